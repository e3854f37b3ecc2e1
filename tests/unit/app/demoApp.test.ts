/** The demo app's settings and routing decisions: pure, the clock and the cookie passed in. */
import { databaseEnv } from "../../../components/app";
import type { DbEndpoints } from "../../../components/postgres";
import { dbSettings, parseSwitch, readYourWritesMs } from "../../../images/demo-app/src/config";
import {
  cookieValue,
  decide,
  failureResponse,
  isReadOnlyError,
  MAINTENANCE,
  parseDurationMs,
  routeFor,
  withinWindow,
  WROTE_COOKIE,
  wroteCookie,
  type RouteRules,
} from "../../../images/demo-app/src/routing";
import { CREATE_ITEMS, READ_ITEMS, schemaStatement } from "../../../images/demo-app/src/schema";

const anchored = (patterns: string[]) => patterns.map((pattern) => new RegExp(`^(?:${pattern})`));
const rules = (overrides: Partial<RouteRules> = {}): RouteRules => ({ forceWrite: [], forceRead: [], readYourWritesMs: 2000, readOnly: false, ...overrides });
const endpoints: DbEndpoints = { rw: "db-rw", ro: "db-ro", port: 5432, database: "app", user: "app", readUser: "app_ro", members: ["pgnode1", "pgnode2"] };

describe("GeoMapFish's rule", () => {
  it.each([
    ["GET", "read"],
    ["HEAD", "read"],
    ["OPTIONS", "read"],
    ["POST", "write"],
    ["PUT", "write"],
    ["PATCH", "write"],
    ["DELETE", "write"],
  ])("%s goes to the %s side", (method, route) => expect(routeFor(method, "/items", rules())).toBe(route));

  it("master patterns win over slave patterns, then the method decides", () => {
    const both = rules({ forceWrite: anchored(["GET /short/"]), forceRead: anchored(["GET /short/", "POST /search"]) });
    expect(routeFor("GET", "/short/abc", both)).toBe("write");
    expect(routeFor("POST", "/search", both)).toBe("read");
    expect(routeFor("POST", "/items", both)).toBe("write");
  });

  it("patterns are anchored at the start of \"METHOD /path\"", () => {
    const master = rules({ forceWrite: anchored(["GET /short/"]) });
    expect(routeFor("GET", "/api/GET /short/", master)).toBe("read");
    expect(routeFor("GET", "/x/short/", master)).toBe("read");
    // Anchored at the start only: a pattern may match a prefix of the path.
    expect(routeFor("GET", "/short/a/b", master)).toBe("write");
  });
});

describe("the read-your-writes window", () => {
  const now = 1_700_000_000_000;
  const get = (cookie?: string) => decide({ method: "GET", path: "/items", cookie, nowMs: now }, rules());

  it("sends a client's reads to the write side while its last write is younger than the window", () => {
    expect(get(`${WROTE_COOKIE}=${now - 1999}`)).toEqual({ route: "write", writes: false, readYourWrites: true, maintenance: false });
    expect(get(`theme=dark; ${WROTE_COOKIE}=${now - 500}; lang=de`).route).toBe("write");
  });

  it("reads from the read side once the window has passed, without a cookie, or with a bad one", () => {
    expect(get(`${WROTE_COOKIE}=${now - 2000}`)).toEqual({ route: "read", writes: false, readYourWrites: false, maintenance: false });
    expect(get().route).toBe("read");
    expect(get(`${WROTE_COOKIE}=soon`).route).toBe("read");
    expect(get(`other-${WROTE_COOKIE}=${now}`).route).toBe("read");
  });

  it("does not believe a write time further ahead of the clock than the window", () => {
    expect(withinWindow(String(now + 1000), now, 2000)).toBe(true);
    expect(withinWindow(String(now + 60_000), now, 2000)).toBe(false);
  });

  it("is off at 0s", () => {
    expect(decide({ method: "GET", path: "/items", cookie: `${WROTE_COOKIE}=${now}`, nowMs: now }, rules({ readYourWritesMs: 0 })).route).toBe("read");
    expect(wroteCookie(now, 0)).toBeUndefined();
  });

  it("writes are writes whatever the cookie says", () => {
    expect(decide({ method: "POST", path: "/items", nowMs: now }, rules())).toEqual({ route: "write", writes: true, readYourWrites: false, maintenance: false });
  });

  it("the cookie a write's response sets carries the time, lasts the window and is read back", () => {
    const cookie = wroteCookie(now, 2500)!;
    expect(cookie).toBe(`${WROTE_COOKIE}=${now}; Path=/; Max-Age=3; HttpOnly; SameSite=Lax`);
    const sent = cookie.split(";")[0];
    expect(cookieValue(sent, WROTE_COOKIE)).toBe(String(now));
    expect(decide({ method: "GET", path: "/", cookie: sent, nowMs: now + 2499 }, rules({ readYourWritesMs: 2500 })).route).toBe("write");
  });
});

describe("durations and switches from the environment", () => {
  it.each([
    ["2s", 2000],
    ["500ms", 500],
    ["1m30s", 90_000],
    ["0s", 0],
    ["1.5s", 1500],
  ])("%s is %i ms", (text, ms) => expect(parseDurationMs(text)).toBe(ms));

  it.each(["2", "2 s", "", "-1s", "2d"])("%p is no duration", (text) => expect(parseDurationMs(text)).toBeUndefined());

  it("PGSWARM_READ_YOUR_WRITES: the given window, 2s for split when unset, else none; a bad one names the variable", () => {
    expect(readYourWritesMs({ PGSWARM_READ_YOUR_WRITES: "750ms" })).toBe(750);
    expect(readYourWritesMs({ PGSWARM_DB_ACCESS: "split" })).toBe(2000);
    expect(readYourWritesMs({ PGSWARM_DB_ACCESS: "rw" })).toBe(0);
    expect(() => readYourWritesMs({ PGSWARM_READ_YOUR_WRITES: "soon" })).toThrow(/^PGSWARM_READ_YOUR_WRITES: expected a duration .*found "soon"$/);
  });

  it("PGSWARM_READ_ONLY: true or false; anything else names the variable", () => {
    expect([parseSwitch("X", "true"), parseSwitch("X", "1"), parseSwitch("X", "false"), parseSwitch("X", undefined), parseSwitch("X", "")]).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(() => parseSwitch("PGSWARM_READ_ONLY", "maybe")).toThrow('PGSWARM_READ_ONLY: expected true or false, found "maybe"');
  });
});

describe("the settings the demo app reads from what pgswarm gives it", () => {
  it.each(["libpq", "geomapfish", "url"] as const)("%s, split: writes as the application's role, reads as the reader, each with its password file", (style) => {
    const settings = dbSettings(databaseEnv("split", style, endpoints, { readYourWrites: "3s" }));
    expect(settings.write).toEqual({ host: "db-rw", port: 5432, database: "app", user: "app", passwordFile: "/run/secrets/pgswarm-app-password" });
    expect(settings.read).toEqual({ host: "db-ro", port: 5432, database: "app", user: "app_ro", passwordFile: "/run/secrets/pgswarm-reader-password" });
    expect(settings.readYourWritesMs).toBe(3000);
  });

  it.each(["libpq", "geomapfish", "url"] as const)("%s, ro: both sides are the reader on db-ro", (style) => {
    const settings = dbSettings(databaseEnv("ro", style, endpoints));
    expect([settings.write.user, settings.read.user, settings.write.host, settings.read.host]).toEqual(["app_ro", "app_ro", "db-ro", "db-ro"]);
    expect(settings.read.passwordFile).toBe("/run/secrets/pgswarm-reader-password");
    expect(settings.readYourWritesMs).toBe(0);
  });

  it("falls back to the write side's role when the environment names no read user", () => {
    const settings = dbSettings({ PGHOST: "db-rw", PGHOST_RO: "db-ro", PGUSER: "app", PGPASSWORD_FILE: "/run/secrets/a" });
    expect(settings.read).toEqual({ host: "db-ro", port: 5432, database: "app", user: "app", passwordFile: "/run/secrets/a" });
  });

  it("the dbChooser patterns arrive anchored", () => {
    const settings = dbSettings(databaseEnv("split", "geomapfish", endpoints, { dbChooser: { master: ["GET /short/"], slave: ["POST /search"] } }));
    expect(routeFor("GET", "/short/x", settings)).toBe("write");
    expect(routeFor("POST", "/search", settings)).toBe("read");
    expect(routeFor("GET", "/a/short/x", settings)).toBe("read");
  });

  it("maintenance: PGSWARM_READ_ONLY=true is read", () => {
    expect(dbSettings({ PGSWARM_READ_ONLY: "true" }).readOnly).toBe(true);
    expect(dbSettings({}).readOnly).toBe(false);
  });
});

describe("what a client is told when the database refuses", () => {
  const readOnly = { code: "25006", message: "cannot execute INSERT in a read-only transaction" };

  it("a write routed to the read side: 409, saying it was routed to the read side", () => {
    const response = failureResponse(readOnly, "read", "db-ro");
    expect(response.status).toBe(409);
    expect(response.body.error).toMatch(/^this request was routed to the read side \(db-ro, read-only\) and tried to write: cannot execute INSERT in a read-only transaction/);
  });

  it("recognises the error by its SQLSTATE or its message", () => {
    expect(isReadOnlyError({ code: "25006" })).toBe(true);
    expect(isReadOnlyError({ message: "cannot execute UPDATE in a read-only transaction" })).toBe(true);
    expect(isReadOnlyError({ code: "57P01", message: "terminating connection due to administrator command" })).toBe(false);
  });

  it("anything else, or a read-only error on the write side (a failover under way), is 503", () => {
    expect(failureResponse(readOnly, "write", "db-ro").status).toBe(503);
    expect(failureResponse({ message: "Connection terminated unexpectedly" }, "read", "db-ro")).toEqual({
      status: 503,
      body: { error: "Connection terminated unexpectedly" },
    });
  });

  it("read-only maintenance is 503 with its own message", () => {
    expect(MAINTENANCE).toEqual({ status: 503, body: { error: "read-only maintenance" } });
  });
});

describe("read-only maintenance", () => {
  const maintenance = rules({ readOnly: true, forceWrite: anchored(["GET /short/"]), forceRead: anchored(["POST /search"]) });
  const request = (method: string, path: string) => decide({ method, path, nowMs: 0 }, maintenance);

  it("refuses every request that would write, including GETs the master patterns send to the write side", () => {
    for (const [method, path] of [["POST", "/items"], ["DELETE", "/items/1"], ["GET", "/short/x"]]) {
      expect(request(method, path).maintenance).toBe(true);
    }
  });

  it("lets reads through, including a POST the slave patterns send to the read side, and reads within the window", () => {
    expect(request("GET", "/items").maintenance).toBe(false);
    expect(request("POST", "/search").maintenance).toBe(false);
    expect(decide({ method: "GET", path: "/items", cookie: `${WROTE_COOKIE}=1000`, nowMs: 1500 }, maintenance)).toMatchObject({ route: "write", maintenance: false });
  });

  it("is off unless switched on", () => expect(decide({ method: "POST", path: "/items", nowMs: 0 }, rules()).maintenance).toBe(false));
});

describe("the schema step before the app is ready", () => {
  it("a service that may write creates the table; a ro service, which can create nothing, waits until it can read it", () => {
    expect(schemaStatement("rw")).toBe(CREATE_ITEMS);
    expect(schemaStatement("split")).toBe(CREATE_ITEMS);
    expect(schemaStatement(undefined)).toBe(CREATE_ITEMS);
    expect(schemaStatement("ro")).toBe(READ_ITEMS);
    expect(READ_ITEMS).toMatch(/^SELECT /);
  });
});
