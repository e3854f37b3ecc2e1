import { APP_PASSWORD_FILE, APP_PGPASS_FILE, databaseEnv } from "../../../components/app";

const split = { rw: "db-rw", ro: "db-ro", port: 5432, database: "app", user: "app" };
const single = { rw: "db-rw", port: 5432, database: "app", user: "app" };

describe("the database environment of an application", () => {
  it("libpq, rw: the standard PG* variables and credential files", () => {
    expect(databaseEnv("rw", "libpq", single)).toEqual({
      PGSWARM_DB_ACCESS: "rw",
      PGHOST: "db-rw",
      PGPORT: "5432",
      PGDATABASE: "app",
      PGUSER: "app",
      PGPASSFILE: APP_PGPASS_FILE,
      PGPASSWORD_FILE: APP_PASSWORD_FILE,
    });
  });

  it("libpq, split: a second host for reads", () => {
    const env = databaseEnv("split", "libpq", split);
    expect([env.PGHOST, env.PGHOST_RO, env.PGPORT_RO]).toEqual(["db-rw", "db-ro", "5432"]);
  });

  it("libpq, ro: every connection goes to db-ro", () => {
    const env = databaseEnv("ro", "libpq", split);
    expect(env.PGHOST).toBe("db-ro");
    expect(env.PGHOST_RO).toBeUndefined();
  });

  it("geomapfish, split: PGHOST for the master, PGHOST_SLAVE/PGPORT_SLAVE for the slave", () => {
    const env = databaseEnv("split", "geomapfish", split);
    expect([env.PGHOST, env.PGPORT, env.PGHOST_SLAVE, env.PGPORT_SLAVE]).toEqual(["db-rw", "5432", "db-ro", "5432"]);
  });

  it("geomapfish, rw: equal master and slave switch GeoMapFish's split off", () => {
    const env = databaseEnv("rw", "geomapfish", single);
    expect(env.PGHOST_SLAVE).toBe(env.PGHOST);
  });

  it("url: URLs without the password, which comes from a file", () => {
    const env = databaseEnv("split", "url", split);
    expect(env.DATABASE_URL).toBe("postgresql://app@db-rw:5432/app");
    expect(env.DATABASE_READ_URL).toBe("postgresql://app@db-ro:5432/app");
    expect(env.DATABASE_PASSWORD_FILE).toBe(APP_PASSWORD_FILE);
  });

  it("dbChooser overrides travel as JSON lists", () => {
    const env = databaseEnv("split", "geomapfish", split, { master: ["GET /short/"], slave: [] });
    expect(JSON.parse(env.PGSWARM_DB_CHOOSER_MASTER)).toEqual(["GET /short/"]);
  });

  it("none: nothing at all", () => expect(databaseEnv("none", "libpq", split)).toEqual({}));
});
