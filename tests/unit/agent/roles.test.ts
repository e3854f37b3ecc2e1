/** The read-only role and the grants the agent keeps: statements rendered purely, and where reconciliation runs them. */
import { validateStack } from "../../../components/config";
import type { ClusterSpec, ManagedRole } from "../../../components/contract";
import { managedRoles } from "../../../components/postgres/render/clusterSpec";
import { reconcileRoles } from "../../../images/postgres/agent/phases/reconcile";
import type { Postgres } from "../../../images/postgres/agent/postgres";
import { appDatabaseStatements, databaseGrantStatements, LOCAL_COMMIT, roleStatements } from "../../../images/postgres/agent/roles";

jest.mock("../../../images/postgres/agent/files", () => ({ readSecret: (credential: string) => `secret-of-${credential}` }));
jest.mock("../../../images/postgres/agent/scram", () => ({ scramVerifier: (password: string) => `SCRAM(${password})` }));

const config = (database: Record<string, unknown> = {}) =>
  validateStack({ topology: "standalone", nodes: { a: { backups: true } }, database: { placement: { pgnode1: "a" }, ...database } }, "test");
const readerOf = (roles: ManagedRole[]) => roles.find((role) => role.readsDatabase)!;

describe("the read-only role in cluster.json", () => {
  it("is <user>_ro by default: a login without superuser, read-only sessions, reading the application database", () => {
    // No credential: its password is the login keeper's (the backup repository's), never a member's.
    expect(readerOf(managedRoles(config()))).toEqual({
      name: "app_ro",
      options: ["LOGIN", "NOSUPERUSER", "NOCREATEDB", "NOCREATEROLE", "NOREPLICATION"],
      memberOf: [],
      settings: { default_transaction_read_only: "on" },
      readsDatabase: true,
    });
  });

  it("takes database.readUser, and follows database.user otherwise", () => {
    expect(readerOf(managedRoles(config({ readUser: "reporting" }))).name).toBe("reporting");
    expect(readerOf(managedRoles(config({ user: "shop" }))).name).toBe("shop_ro");
  });

  it("is the only role that reads the database through grants; the application's owns it", () => {
    expect(managedRoles(config()).filter((role) => role.readsDatabase).map((role) => role.name)).toEqual(["app_ro"]);
  });

  it("has a rotation slot that becomes it at login, read-only as well", () => {
    expect(managedRoles(config()).find((role) => role.name === "app_ro_b")).toEqual({
      name: "app_ro_b",
      options: ["LOGIN", "NOSUPERUSER", "NOCREATEDB", "NOCREATEROLE", "NOREPLICATION"],
      memberOf: ["app_ro"],
      settings: { default_transaction_read_only: "on", role: "app_ro" },
    });
  });
});

describe("the application's login roles in cluster.json", () => {
  it("are the owner and its rotation slot, which becomes the owner at login (one owner for what either creates)", () => {
    const roles = managedRoles(config({ user: "shop" }));
    expect(roles.find((role) => role.name === "shop")).toEqual({ name: "shop", options: ["LOGIN"], memberOf: [] });
    expect(roles.find((role) => role.name === "shop_b")).toEqual({ name: "shop_b", options: ["LOGIN"], memberOf: ["shop"], settings: { role: "shop" } });
  });

  it("are the only roles without a credential of their own: the members mount no login secret", () => {
    expect(managedRoles(config()).filter((role) => role.credential === undefined).map((role) => role.name)).toEqual(["app", "app_b", "app_ro", "app_ro_b"]);
  });
});

describe("the statements for the read-only role", () => {
  const reader = readerOf(managedRoles(config()));

  it("create it with its options and password verifier, then keep its sessions read-only", () => {
    expect(roleStatements(reader, "V", false)).toEqual([
      `CREATE ROLE "app_ro" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD 'V'`,
      `ALTER ROLE "app_ro" SET "default_transaction_read_only" TO 'on'`,
    ]);
    expect(roleStatements(reader, "V", true)[0]).toMatch(/^ALTER ROLE "app_ro" WITH /);
  });

  it("leave the password alone without a verifier (the keeper's logins)", () => {
    expect(roleStatements(reader, undefined, false)[0]).toBe(`CREATE ROLE "app_ro" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION`);
    expect(roleStatements(reader, undefined, true)[0]).toBe(`ALTER ROLE "app_ro" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION`);
  });

  it("quote identifiers and values", () => {
    const odd: ManagedRole = { name: 'r"o', credential: "reader", options: ["LOGIN"], memberOf: [], settings: { search_path: "a's" }, readsDatabase: true };
    expect(roleStatements(odd, "V", true)[1]).toBe(`ALTER ROLE "r""o" SET "search_path" TO 'a''s'`);
    expect(databaseGrantStatements([odd], 'my"db')).toEqual([`GRANT CONNECT ON DATABASE "my""db" TO "r""o"`]);
    expect(appDatabaseStatements({ name: "x", owner: 'o"wner' }, [odd])).toContain(
      `ALTER DEFAULT PRIVILEGES FOR ROLE "o""wner" IN SCHEMA "public" GRANT SELECT ON TABLES TO "r""o"`,
    );
  });

  it("grant CONNECT on the application database to readers only", () => {
    expect(databaseGrantStatements(managedRoles(config()), "app")).toEqual([`GRANT CONNECT ON DATABASE "app" TO "app_ro"`]);
  });

  it("inside the application database: the owner creates in public; the reader reads every table there, now and later", () => {
    expect(appDatabaseStatements({ name: "app", owner: "app" }, managedRoles(config()))).toEqual([
      `GRANT USAGE, CREATE ON SCHEMA "public" TO "app"`,
      `GRANT USAGE ON SCHEMA "public" TO "app_ro"`,
      // Default privileges before the grant on existing tables: a table created in between is covered by one or the other.
      `ALTER DEFAULT PRIVILEGES FOR ROLE "app" IN SCHEMA "public" GRANT SELECT ON TABLES TO "app_ro"`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE "app" IN SCHEMA "public" GRANT SELECT ON SEQUENCES TO "app_ro"`,
      `GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "app_ro"`,
      // pg_dump reads every sequence's state.
      `GRANT SELECT ON ALL SEQUENCES IN SCHEMA "public" TO "app_ro"`,
    ]);
  });

  it("grant nothing beyond SELECT (and USAGE on the schema, CONNECT on the database) to the reader", () => {
    const statements = [...databaseGrantStatements(managedRoles(config()), "app"), ...appDatabaseStatements({ name: "app", owner: "app" }, managedRoles(config()))];
    const toReader = statements.filter((statement) => statement.endsWith(`TO "app_ro"`));
    expect(toReader.join("\n")).not.toMatch(/INSERT|UPDATE|DELETE|TRUNCATE|CREATE|ALL PRIVILEGES|USAGE ON SEQUENCES/);
    expect(toReader.map((statement) => /GRANT (\w+(?:, \w+)*) ON (\w+)/.exec(statement)!.slice(1).join(" ON ")).sort()).toEqual([
      "CONNECT ON DATABASE",
      "SELECT ON ALL",
      "SELECT ON ALL",
      "SELECT ON SEQUENCES",
      "SELECT ON TABLES",
      "USAGE ON SCHEMA",
    ]);
  });
});

describe("reconciliation at every start as primary", () => {
  /** A server that has the roles in `existing` and, when `databaseExists`, the application database. */
  function fakeServer(existing: string[], databaseExists: boolean) {
    const log: Array<{ database: string; sql: string }> = [];
    const pg = {
      query: async (sql: string, params: unknown[] = []) => {
        log.push({ database: "postgres", sql });
        if (sql.startsWith("SELECT 1 FROM pg_roles")) return existing.includes(params[0] as string) ? [{}] : [];
        if (sql.startsWith("SELECT 1 FROM pg_database")) return databaseExists ? [{}] : [];
        return [];
      },
      runIn: async (database: string, statements: string[]) => {
        for (const sql of statements) log.push({ database, sql });
      },
    };
    return { pg: pg as unknown as Postgres, log };
  }

  const spec = (): ClusterSpec => ({
    stack: "t",
    topology: "standalone",
    members: [{ name: "pgnode1", kind: "data", nodeId: 1 }],
    initialPrimary: "pgnode1",
    database: { name: "shop", owner: "app" },
    roles: managedRoles(config()),
    synchronousCount: 0,
    walArchiving: false,
    heartbeatMs: 500,
    timeoutMs: 3000,
    replicaMaxLagBytes: 0,
  });

  it("sets the members' own passwords from their secret files, creates the logins without one (the keeper sets theirs), creates the database, then grants on it", async () => {
    const { pg, log } = fakeServer([], false);
    await reconcileRoles(spec(), pg);
    const server = log.filter((entry) => entry.database === "postgres").map((entry) => entry.sql);
    expect(server).toContain(`CREATE ROLE "postgres" WITH LOGIN SUPERUSER PASSWORD 'SCRAM(secret-of-superuser)'`);
    expect(server).toContain(`CREATE ROLE "app_ro" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION`);
    expect(server).toContain(`CREATE ROLE "app_b" WITH LOGIN`);
    // The slot is created after the role it becomes.
    expect(server.indexOf(`GRANT "app" TO "app_b"`)).toBeGreaterThan(server.indexOf(`CREATE ROLE "app" WITH LOGIN`));
    expect(server).toContain(`ALTER ROLE "app_b" SET "role" TO 'app'`);
    expect(server.some((statement) => /secret-of-(app|reader)/.test(statement))).toBe(false);
    const createDatabase = server.indexOf(`CREATE DATABASE "shop" OWNER "app"`);
    const connect = server.indexOf(`GRANT CONNECT ON DATABASE "shop" TO "app_ro"`);
    expect(createDatabase).toBeGreaterThan(server.indexOf(`ALTER ROLE "app_ro" SET "default_transaction_read_only" TO 'on'`));
    expect(connect).toBeGreaterThan(createDatabase);

    const inApp = log.filter((entry) => entry.database === "shop").map((entry) => entry.sql);
    expect(inApp).toEqual([LOCAL_COMMIT, ...appDatabaseStatements({ name: "shop", owner: "app" }, spec().roles)]);
    // Everything in the application database comes after the database exists.
    expect(log.findIndex((entry) => entry.database === "shop")).toBeGreaterThan(log.findIndex((entry) => entry.sql.startsWith("CREATE DATABASE")));
  });

  it("on a kept volume: alters the roles and the database's owner, and grants again (tables created since)", async () => {
    const { pg, log } = fakeServer(["postgres", "repmgr", "pgswarm_monitor", "app", "app_b", "pgswarm_exporter", "app_ro", "app_ro_b"], true);
    await reconcileRoles(spec(), pg);
    const sql = log.map((entry) => entry.sql);
    expect(sql.filter((statement) => statement.startsWith("CREATE"))).toEqual([]);
    expect(sql).toContain(`ALTER DATABASE "shop" OWNER TO "app"`);
    expect(sql).toContain(`GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "app_ro"`);
  });
});
