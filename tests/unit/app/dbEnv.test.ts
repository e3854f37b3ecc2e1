import {
  APP_PASSWORD_FILE,
  APP_PGPASS_FILE,
  databaseEnv,
  DB_LOGINS,
  loginsFor,
  multiHostUrl,
  pgpassFile,
  pgpassSets,
  READER_PASSWORD_FILE,
} from "../../../components/app";
import type { DbEndpoints } from "../../../components/postgres";

const members = ["pgnode1", "pgnode2", "pgnode3"];
const split: DbEndpoints = { rw: "db-rw", ro: "db-ro", port: 5432, database: "app", user: "app", readUser: "app_ro", members };
const single: DbEndpoints = { rw: "db-rw", port: 5432, database: "app", user: "app", readUser: "app_ro", members: ["pgnode1"] };

const RW_MULTIHOST = "postgresql://app@pgnode1:5432,pgnode2:5432,pgnode3:5432/app?target_session_attrs=read-write";
const RO_MULTIHOST = "postgresql://app_ro@pgnode1:5432,pgnode2:5432,pgnode3:5432/app?target_session_attrs=prefer-standby";

/** Every value of an environment that names a credential file. */
const credentialFiles = (env: Record<string, string>) => Object.values(env).filter((value) => value.startsWith("/run/secrets/"));

describe("the database environment of an application", () => {
  it("libpq, rw: the standard PG* variables, credential files and the multi-host form", () => {
    expect(databaseEnv("rw", "libpq", single)).toEqual({
      PGSWARM_DB_ACCESS: "rw",
      PGHOST: "db-rw",
      PGPORT: "5432",
      PGDATABASE: "app",
      PGUSER: "app",
      PGPASSFILE: APP_PGPASS_FILE,
      PGPASSWORD_FILE: APP_PASSWORD_FILE,
      PGSWARM_MULTIHOST_RW: "postgresql://app@pgnode1:5432/app?target_session_attrs=read-write",
    });
  });

  it("libpq, split: a second host for reads, logged in as the reader with its own password file", () => {
    const env = databaseEnv("split", "libpq", split);
    expect(env).toMatchObject({
      PGHOST: "db-rw",
      PGUSER: "app",
      PGPASSWORD_FILE: APP_PASSWORD_FILE,
      PGHOST_RO: "db-ro",
      PGPORT_RO: "5432",
      PGUSER_RO: "app_ro",
      PGPASSWORD_FILE_RO: READER_PASSWORD_FILE,
      PGPASSFILE: pgpassFile("split"),
      PGSWARM_MULTIHOST_RW: RW_MULTIHOST,
      PGSWARM_MULTIHOST_RO: RO_MULTIHOST,
      PGSWARM_READ_YOUR_WRITES: "2s",
    });
    expect(READER_PASSWORD_FILE).toBe("/run/secrets/pgswarm-reader-password");
  });

  it("libpq, ro: every connection goes to db-ro as the reader, and nothing names the application's role", () => {
    const env = databaseEnv("ro", "libpq", split);
    expect(env).toMatchObject({ PGHOST: "db-ro", PGUSER: "app_ro", PGPASSWORD_FILE: READER_PASSWORD_FILE, PGPASSFILE: pgpassFile("reader") });
    expect(env.PGHOST_RO).toBeUndefined();
    expect(env.PGSWARM_MULTIHOST_RW).toBeUndefined();
    expect(env.PGSWARM_MULTIHOST_RO).toBe(RO_MULTIHOST);
    expect(credentialFiles(env).sort()).toEqual([READER_PASSWORD_FILE, pgpassFile("reader")].sort());
  });

  it("rw: never the reader's role or password", () => {
    for (const style of ["libpq", "geomapfish", "url"] as const) {
      const env = databaseEnv("rw", style, split);
      expect(JSON.stringify(env)).not.toMatch(/app_ro|reader/);
    }
  });

  it("ro: never the application's role or password, in any style", () => {
    for (const style of ["libpq", "geomapfish", "url"] as const) {
      const env = databaseEnv("ro", style, { ...split, database: "shop" });
      expect(JSON.stringify(env)).not.toMatch(/\/app@|"app"|pgswarm-app-/);
      expect(credentialFiles(env).every((file) => /reader/.test(file))).toBe(true);
    }
  });

  it("geomapfish, split: PGHOST for the master, PGHOST_SLAVE/PGPORT_SLAVE and the reader for the slave", () => {
    const env = databaseEnv("split", "geomapfish", split);
    expect([env.PGHOST, env.PGPORT, env.PGUSER, env.PGPASSWORD_FILE]).toEqual(["db-rw", "5432", "app", APP_PASSWORD_FILE]);
    expect([env.PGHOST_SLAVE, env.PGPORT_SLAVE, env.PGUSER_SLAVE, env.PGPASSWORD_SLAVE_FILE]).toEqual(["db-ro", "5432", "app_ro", READER_PASSWORD_FILE]);
  });

  it("geomapfish, rw: equal master and slave switch GeoMapFish's split off", () => {
    const env = databaseEnv("rw", "geomapfish", single);
    expect([env.PGHOST_SLAVE, env.PGUSER_SLAVE, env.PGPASSWORD_SLAVE_FILE]).toEqual([env.PGHOST, env.PGUSER, env.PGPASSWORD_FILE]);
  });

  it("geomapfish, ro: master and slave are both the reader on db-ro", () => {
    const env = databaseEnv("ro", "geomapfish", split);
    expect([env.PGHOST, env.PGUSER, env.PGHOST_SLAVE, env.PGUSER_SLAVE]).toEqual(["db-ro", "app_ro", "db-ro", "app_ro"]);
  });

  it("url: URLs without the password, which comes from a file; the read URL carries the reader", () => {
    const env = databaseEnv("split", "url", split);
    expect(env.DATABASE_URL).toBe("postgresql://app@db-rw:5432/app");
    expect(env.DATABASE_PASSWORD_FILE).toBe(APP_PASSWORD_FILE);
    expect(env.DATABASE_READ_URL).toBe("postgresql://app_ro@db-ro:5432/app");
    expect(env.DATABASE_READ_PASSWORD_FILE).toBe(READER_PASSWORD_FILE);
  });

  it("url, ro: the one URL is the reader's on db-ro", () => {
    const env = databaseEnv("ro", "url", split);
    expect([env.DATABASE_URL, env.DATABASE_PASSWORD_FILE, env.DATABASE_READ_URL]).toEqual([
      "postgresql://app_ro@db-ro:5432/app",
      READER_PASSWORD_FILE,
      undefined,
    ]);
  });

  it("url, rw: no read URL", () => {
    const env = databaseEnv("rw", "url", single);
    expect([env.DATABASE_READ_URL, env.DATABASE_READ_PASSWORD_FILE]).toEqual([undefined, undefined]);
  });

  it("dbChooser overrides travel as JSON lists", () => {
    const env = databaseEnv("split", "geomapfish", split, { dbChooser: { master: ["GET /short/"], slave: [] } });
    expect(JSON.parse(env.PGSWARM_DB_CHOOSER_MASTER)).toEqual(["GET /short/"]);
    expect(JSON.parse(env.PGSWARM_DB_CHOOSER_SLAVE)).toEqual([]);
  });

  it("the read-your-writes window: the service's, 2s by default, for split only", () => {
    expect(databaseEnv("split", "libpq", split, { readYourWrites: "0s" }).PGSWARM_READ_YOUR_WRITES).toBe("0s");
    expect(databaseEnv("split", "url", split, { readYourWrites: "5s" }).PGSWARM_READ_YOUR_WRITES).toBe("5s");
    expect(databaseEnv("rw", "libpq", split).PGSWARM_READ_YOUR_WRITES).toBeUndefined();
    expect(databaseEnv("ro", "libpq", split).PGSWARM_READ_YOUR_WRITES).toBeUndefined();
  });

  it("none: nothing at all", () => expect(databaseEnv("none", "libpq", split)).toEqual({}));
});

describe("the multi-host form", () => {
  it("lists the data members in order with the port, and the session attribute", () => {
    expect(multiHostUrl({ ...split, members: ["pgnode1", "pgnode2"], port: 6432 }, "shop", "read-write")).toBe(
      "postgresql://shop@pgnode1:6432,pgnode2:6432/app?target_session_attrs=read-write",
    );
  });
});

describe("which credentials a service gets", () => {
  it("rw the application's, ro the reader's, split both", () => {
    expect(loginsFor("rw")).toEqual(["app"]);
    expect(loginsFor("ro")).toEqual(["reader"]);
    expect(loginsFor("split")).toEqual(["app", "reader"]);
  });

  it("one pgpass file per access mode in use, with the lines of exactly its logins; the application's always", () => {
    expect(pgpassSets([])).toEqual({ app: ["app"] });
    expect(pgpassSets(["none", "rw"])).toEqual({ app: ["app"] });
    expect(pgpassSets(["split", "rw", "split", "ro"])).toEqual({ app: ["app"], split: ["app", "reader"], reader: ["reader"] });
  });

  it("each access mode's pgpass file is the one its environment names", () => {
    for (const access of ["rw", "ro", "split"] as const) {
      expect(databaseEnv(access, "libpq", split).PGPASSFILE).toBe(pgpassFile(DB_LOGINS[access].pgpass));
    }
    expect(APP_PGPASS_FILE).toBe("/run/secrets/pgswarm-app-pgpass");
  });
});
