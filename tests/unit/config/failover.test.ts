/** database.failover (the member agent's lease timing) and the router's check interval. */
import { validateStack } from "../../../components/config";
import { edited, problemAt, problemsOf, readSplit } from "./fixtures";

const withFailover = (failover: unknown) => edited(readSplit, (raw) => (raw.database.failover = failover));

describe("database.failover", () => {
  it("defaults to a 500ms heartbeat and a 3s timeout", () => {
    expect(validateStack(readSplit(), "test").database.failover).toEqual({ heartbeat: "500ms", timeout: "3s" });
  });

  it("takes a heartbeat from 100ms to 5s", () => {
    expect(problemAt(withFailover({ heartbeat: "50ms" }), "database.failover.heartbeat")).toBe('expected a duration from 100ms to 5s, found the string "50ms"');
    expect(problemAt(withFailover({ heartbeat: "6s", timeout: "30s" }), "database.failover.heartbeat")).toBe(
      'expected a duration from 100ms to 5s, found the string "6s"',
    );
    expect(validateStack(withFailover({ heartbeat: "100ms", timeout: "400ms" }), "test").database.failover.heartbeat).toBe("100ms");
  });

  it("takes a timeout of at most 60s", () => {
    expect(problemAt(withFailover({ timeout: "2m" }), "database.failover.timeout")).toBe('expected a duration from 400ms to 1m, found the string "2m"');
    expect(validateStack(withFailover({ heartbeat: "5s", timeout: "1m" }), "test").database.failover.timeout).toBe("1m");
  });

  it("needs a timeout of at least 4 heartbeats", () => {
    expect(problemsOf(withFailover({ heartbeat: "1s", timeout: "3s" }))).toEqual([
      {
        path: "database.failover.timeout",
        message: "expected at least 4 heartbeats (4 × 1s), found 3s: a primary that misses one renewal must not lose its lease",
      },
    ]);
    expect(() => validateStack(withFailover({ heartbeat: "1s", timeout: "4s" }), "test")).not.toThrow();
  });

  it("takes a data member of the stack as the cold-start override, and nothing else", () => {
    expect(validateStack(withFailover({ forcePrimary: "pgnode2" }), "test").database.failover.forcePrimary).toBe("pgnode2");
    expect(problemAt(withFailover({ forcePrimary: "pgnode7" }), "database.failover.forcePrimary")).toMatch(
      /^expected one of this stack's data members \(pgnode1, .*\), found "pgnode7"$/,
    );
    expect(problemAt(withFailover({ forcePrimary: "pgwitness" }), "database.failover.forcePrimary")).toMatch(/found "pgwitness"/);
  });

  it.each([
    ["monitorInterval", "2s", /repmgrd's monitor interval is gone: set database\.failover\.heartbeat/],
    ["reconnectAttempts", 3, /repmgrd's reconnect settings are gone: set database\.failover\.timeout/],
    ["reconnectInterval", "5s", /repmgrd's reconnect settings are gone: set database\.failover\.timeout/],
  ])("refuses repmgrd's %s, naming the key that replaces it", (key, value, message) =>
    expect(problemAt(withFailover({ [key]: value }), `database.failover.${key}`)).toMatch(message),
  );
});

describe("database.router.checkInterval", () => {
  it("defaults to 500ms and takes 100ms to 10s", () => {
    expect(validateStack(readSplit(), "test").database.router.checkInterval).toBe("500ms");
    const raw = edited(readSplit, (r) => (r.database.router = { checkInterval: "50ms" }));
    expect(problemAt(raw, "database.router.checkInterval")).toBe('expected a duration from 100ms to 10s, found the string "50ms"');
    expect(() => validateStack(edited(readSplit, (r) => (r.database.router = { checkInterval: "10s" })), "test")).not.toThrow();
  });
});
