/**
 * At every start as primary: the managed roles exist with the passwords of the
 * secrets mounted now (a kept volume works with a new stack's credentials, and a
 * rotated secret takes effect), and the application database exists.
 */
import type { ClusterSpec } from "../../../../components/contract";
import { readSecret } from "../files";
import type { Postgres } from "../postgres";
import { databaseStatements, roleStatements } from "../roles";
import { scramVerifier } from "../scram";

export async function reconcileRoles(spec: ClusterSpec, pg: Postgres): Promise<void> {
  // Re-applied at every start as primary: these commits need not wait for a standby (and must not block when none streams).
  await pg.query("SET synchronous_commit TO local");
  for (const role of spec.roles) {
    const exists = (await pg.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role.name])).length > 0;
    for (const statement of roleStatements(role, scramVerifier(readSecret(role.credential)), exists)) {
      await pg.query(statement, [], 10_000);
    }
  }
  const { name, owner } = spec.database;
  const exists = (await pg.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).length > 0;
  for (const statement of databaseStatements(name, owner, exists)) await pg.query(statement, [], 120_000);
}
