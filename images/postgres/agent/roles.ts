/**
 * The roles and database pgswarm keeps, as SQL. Passwords travel only as SCRAM
 * verifiers computed in the agent, so no statement carries a password.
 */
import type { ClusterSpec, ManagedRole } from "../../../components/contract";

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const quoteLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The schema applications keep their tables in. */
export const APP_SCHEMA = "public";

/** Reconciliation's commits need not wait for a standby (and must not block when none streams). */
export const LOCAL_COMMIT = "SET synchronous_commit TO local";

/**
 * Statements that make `role` exist with its options, memberships, settings and the password behind
 * `verifier`; without a verifier (a login the keeper sets) the password is left as it is.
 */
export function roleStatements(role: ManagedRole, verifier: string | undefined, exists: boolean): string[] {
  const options = [...role.options, ...(verifier !== undefined ? [`PASSWORD ${quoteLiteral(verifier)}`] : [])].join(" ");
  return [
    `${exists ? "ALTER" : "CREATE"} ROLE ${quoteIdent(role.name)} WITH ${options}`,
    ...role.memberOf.map((group) => `GRANT ${quoteIdent(group)} TO ${quoteIdent(role.name)}`),
    ...Object.entries(role.settings ?? {}).map(
      ([setting, value]) => `ALTER ROLE ${quoteIdent(role.name)} SET ${quoteIdent(setting)} TO ${quoteLiteral(value)}`,
    ),
  ];
}

export function databaseStatements(database: string, owner: string, exists: boolean): string[] {
  if (exists) return [`ALTER DATABASE ${quoteIdent(database)} OWNER TO ${quoteIdent(owner)}`];
  return [
    `CREATE DATABASE ${quoteIdent(database)} OWNER ${quoteIdent(owner)}`,
    `REVOKE ALL ON DATABASE ${quoteIdent(database)} FROM PUBLIC`,
    `GRANT CONNECT, TEMPORARY ON DATABASE ${quoteIdent(database)} TO ${quoteIdent(owner)}`,
  ];
}

/** Grants on the application database itself, run from any database once it exists. */
export function databaseGrantStatements(roles: ManagedRole[], database: string): string[] {
  return roles.filter((role) => role.readsDatabase).map((role) => `GRANT CONNECT ON DATABASE ${quoteIdent(database)} TO ${quoteIdent(role.name)}`);
}

/**
 * Grants inside the application database (schema privileges and default
 * privileges are per database). The owner may create its tables in public
 * (PostgreSQL 15 and later no longer let PUBLIC do so, and a schema restored
 * from elsewhere may belong to another role); each reading role may read every
 * table and sequence there, and every one the owner creates later.
 */
export function appDatabaseStatements(database: ClusterSpec["database"], roles: ManagedRole[]): string[] {
  const schema = quoteIdent(APP_SCHEMA);
  const owner = quoteIdent(database.owner);
  return [
    `GRANT USAGE, CREATE ON SCHEMA ${schema} TO ${owner}`,
    ...roles
      .filter((role) => role.readsDatabase)
      .flatMap((role) => {
        const reader = quoteIdent(role.name);
        // Default privileges first: a table created meanwhile is covered by one or the other.
        // SELECT on sequences reads their state (pg_dump needs it); nextval needs USAGE, which it never gets.
        return [
          `GRANT USAGE ON SCHEMA ${schema} TO ${reader}`,
          `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${schema} GRANT SELECT ON TABLES TO ${reader}`,
          `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${schema} GRANT SELECT ON SEQUENCES TO ${reader}`,
          `GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${reader}`,
          `GRANT SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${reader}`,
        ];
      }),
  ];
}
