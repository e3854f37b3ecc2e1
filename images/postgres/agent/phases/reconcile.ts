/**
 * At every start as primary: the managed roles exist with the passwords of the
 * secrets mounted now (a kept volume works with a new stack's credentials, and a
 * rotated secret takes effect; the applications' logins get theirs from the
 * repository's login keeper), the application database exists, and the
 * grants on it hold (the read-only role reads every table, the owner creates
 * them), also for tables created since the last start.
 */
import type { ClusterSpec } from "../../../../components/contract";
import { readSecret } from "../files";
import type { Postgres } from "../postgres";
import { appDatabaseStatements, databaseGrantStatements, databaseStatements, LOCAL_COMMIT, roleStatements } from "../roles";
import { scramVerifier } from "../scram";

export async function reconcileRoles(spec: ClusterSpec, pg: Postgres): Promise<void> {
  // Re-applied at every start as primary: these commits need not wait for a standby (and must not block when none streams).
  await pg.query(LOCAL_COMMIT);
  for (const role of spec.roles) {
    const exists = (await pg.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role.name])).length > 0;
    const verifier = role.credential !== undefined ? scramVerifier(readSecret(role.credential)) : undefined;
    for (const statement of roleStatements(role, verifier, exists)) {
      await pg.query(statement, [], 10_000);
    }
  }
  const { name, owner } = spec.database;
  const exists = (await pg.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).length > 0;
  for (const statement of databaseStatements(name, owner, exists)) await pg.query(statement, [], 120_000);
  for (const statement of databaseGrantStatements(spec.roles, name)) await pg.query(statement, [], 10_000);
  // Schema and default privileges belong to a database: these run in the application's.
  await pg.runIn(name, [LOCAL_COMMIT, ...appDatabaseStatements(spec.database, spec.roles)], 120_000);
}
