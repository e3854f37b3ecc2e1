/** The read side's keys: database.readUser and services.<name>.readYourWrites, each refused with its key path. */
import { readUserOf, readYourWritesOf, validateStack } from "../../../components/config";
import { databaseEnv } from "../../../components/app";
import { edited, problemAt, problemsOf, readSplit, standalone } from "./fixtures";

describe("database.readUser", () => {
  it("defaults to database.user followed by _ro", () => {
    expect(readUserOf(validateStack(readSplit(), "test").database)).toBe("app_ro");
    expect(readUserOf(validateStack(edited(readSplit, (raw) => (raw.database.user = "shop")), "test").database)).toBe("shop_ro");
    expect(readUserOf(validateStack(edited(readSplit, (raw) => (raw.database.readUser = "reporting")), "test").database)).toBe("reporting");
  });

  it.each([
    ["Reader", /^expected a lower-case SQL identifier.*, found the string "Reader"$/],
    ["pgswarm_reader", /^expected a role of the application's own; "pgswarm_reader" is pgswarm's.*, found the string "pgswarm_reader"$/],
    ["repmgr", /is pgswarm's/],
    ["pg_read_all_data", /^expected a role name PostgreSQL allows; it reserves pg_\*, public and none, found the string "pg_read_all_data"$/],
    ["select", /^expected a name that is not a word SQL reserves/],
  ])("is checked like database.user: %p", (name, message) => {
    expect(problemAt(edited(readSplit, (raw) => (raw.database.readUser = name)), "database.readUser")).toMatch(message);
  });

  it("differs from database.user: the read side must not be able to write", () => {
    const raw = edited(readSplit, (r) => {
      r.database.user = "shop";
      r.database.readUser = "shop";
    });
    expect(problemsOf(raw)).toEqual([
      {
        path: "database.readUser",
        message: 'expected a role other than database.user: the read side must not be able to write, found the string "shop"',
      },
    ]);
  });

  it("says when the default itself is refused, and what to set", () => {
    // 61 characters: its rotation slot (`_b`) still fits 63, its read side's default (`_ro`) does not.
    const longUser = "u".repeat(61);
    expect(problemAt(edited(readSplit, (raw) => (raw.database.user = longUser)), "database.readUser")).toBe(
      `its default, database.user followed by _ro (${JSON.stringify(`${longUser}_ro`)}), is refused: ` +
        "expected a lower-case SQL identifier (letters, digits and _, at most 63, not starting with a digit); set database.readUser",
    );
    expect(() => validateStack(edited(readSplit, (raw) => Object.assign(raw.database, { user: longUser, readUser: "reader" })), "test")).not.toThrow();
  });

  it("leaves room for each login's rotation slot (`<role>_b`), and is not the other login's slot", () => {
    const tooLong = "u".repeat(62);
    expect(problemAt(edited(readSplit, (raw) => Object.assign(raw.database, { user: tooLong, readUser: "reader" })), "database.user")).toBe(
      `expected a role whose rotation slot ${JSON.stringify(`${tooLong}_b`)} is a valid role name too (at most 61 characters), found ${JSON.stringify(tooLong)}: ` +
        "expected a lower-case SQL identifier (letters, digits and _, at most 63, not starting with a digit)",
    );
    expect(problemAt(edited(readSplit, (raw) => Object.assign(raw.database, { user: "shop", readUser: "shop_b" })), "database.readUser")).toBe(
      `expected a role other than database.user's rotation slot "shop_b", found the string "shop_b"`,
    );
    expect(problemAt(edited(readSplit, (raw) => Object.assign(raw.database, { user: "view_b", readUser: "view" })), "database.user")).toBe(
      `expected a role other than database.readUser's rotation slot "view_b", found the string "view_b"`,
    );
  });

  it("is accepted in every topology (the role exists in all, so a change of topology needs no other)", () => {
    expect(() => validateStack(edited(standalone, (raw) => (raw.database.readUser = "reporting")), "test")).not.toThrow();
  });
});

describe("services.<name>.readYourWrites", () => {
  it("is 2s unless set, and 0s switches it off", () => {
    expect(readYourWritesOf(validateStack(readSplit(), "test").services.web)).toBe("2s");
    const off = validateStack(edited(readSplit, (raw) => (raw.services.web.readYourWrites = "0s")), "test");
    expect(readYourWritesOf(off.services.web)).toBe("0s");
  });

  it.each([
    ["2 seconds", 'expected a duration such as "10s", "500ms" or "1m30s" (units ms, s, m, h), found the string "2 seconds"'],
    ["50ms", 'expected a duration of 0s or from 100ms to 10m, found the string "50ms"'],
    ["1h", 'expected a duration of 0s or from 100ms to 10m, found the string "1h"'],
  ])("refuses %p", (value, message) => {
    expect(problemAt(edited(readSplit, (raw) => (raw.services.web.readYourWrites = value)), "services.web.readYourWrites")).toBe(message);
  });

  it('needs database: "split"', () => {
    const raw = edited(readSplit, (r) => (r.services.worker = { image: "app:1", database: "ro", readYourWrites: "1s" }));
    expect(problemAt(raw, "services.worker.readYourWrites")).toBe(
      'sends a client\'s reads to the write side for a while after it writes, so it needs database: "split", found database: "ro"',
    );
  });

  it("reaches the service's environment", () => {
    const config = validateStack(edited(readSplit, (raw) => (raw.services.web.readYourWrites = "750ms")), "test");
    const endpoints = { rw: "db-rw", ro: "db-ro", port: 5432, database: "app", user: "app", readUser: "app_ro", members: ["pgnode1"] };
    expect(databaseEnv("split", "libpq", endpoints, config.services.web).PGSWARM_READ_YOUR_WRITES).toBe("750ms");
  });
});

describe("the variables pgswarm sets are the application's to leave alone", () => {
  const endpoints = { rw: "db-rw", ro: "db-ro", port: 5432, database: "app", user: "app", readUser: "app_ro", members: ["pgnode1"] };
  const names = new Set(
    (["rw", "ro", "split"] as const).flatMap((access) =>
      (["libpq", "geomapfish", "url"] as const).flatMap((style) =>
        Object.keys(databaseEnv(access, style, endpoints, { dbChooser: { master: [], slave: [] } })),
      ),
    ),
  );

  it.each([...names].sort())("services.<name>.env.%s is refused", (name) => {
    expect(problemAt(edited(readSplit, (raw) => (raw.services.web.env = { [name]: "x" })), `services.web.env.${name}`)).toBe(
      "pgswarm sets this variable from the database settings; remove it",
    );
  });

  it("except the demo app's maintenance switch, which pgswarm never sets", () => {
    expect(names.has("PGSWARM_READ_ONLY")).toBe(false);
    expect(() => validateStack(edited(readSplit, (raw) => (raw.services.web.env = { PGSWARM_READ_ONLY: "true" })), "test")).not.toThrow();
  });
});
