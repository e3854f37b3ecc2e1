/**
 * The applications' login passwords (loginSlots.ts): the backup repository's login
 * keeper holds their secrets and sends the primary SCRAM verifiers, which the
 * primary sets where they differ. A rotation then replaces the repository's task,
 * never a member's: no failover, no dropped session.
 */
import { createHmac } from "crypto";
import type { ManagedRole } from "../../../components/contract";
import type { Postgres } from "./postgres";
import { LOCAL_COMMIT, quoteIdent, quoteLiteral } from "./roles";
import { scramVerifier } from "./scram";

export interface LoginVerifier {
  role: string;
  verifier: string;
}

/**
 * The verifier of a role's password with a salt derived from both: the same secret always gives the
 * same verifier, so the primary can tell by comparing whether it is in force (a random salt would
 * make every check a change). The passwords are 32 random characters: a per-role salt is enough.
 */
export function loginVerifier(role: string, password: string): string {
  const salt = createHmac("sha256", password).update(`pgswarm login salt: ${role}`).digest().subarray(0, 16);
  return scramVerifier(password, salt);
}

const VERIFIER = /^SCRAM-SHA-256\$\d+:[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*:[A-Za-z0-9+/]+=*$/;

/** What a request may set: only the login roles the keeper owns (no credential of their own), only as SCRAM verifiers. */
export function loginRequestProblem(roles: ManagedRole[], logins: unknown): string | undefined {
  if (!Array.isArray(logins) || logins.length === 0) return "expected a list of { role, verifier }";
  const keeperRoles = new Set(roles.filter((role) => role.credential === undefined).map((role) => role.name));
  for (const login of logins as Array<Partial<LoginVerifier>>) {
    if (typeof login?.role !== "string" || !keeperRoles.has(login.role)) return `${JSON.stringify(login?.role)} is not a login role the keeper sets`;
    if (typeof login.verifier !== "string" || !VERIFIER.test(login.verifier)) return `the verifier of ${login.role} is not a SCRAM-SHA-256 verifier`;
  }
  return undefined;
}

/** The roles whose stored verifier differs from the wanted one (missing roles are reported apart: they are created at start). */
export function loginChanges(wanted: LoginVerifier[], stored: Array<{ rolname: string; rolpassword: string | null }>): { change: LoginVerifier[]; missing: string[] } {
  const byRole = new Map(stored.map((row) => [row.rolname, row.rolpassword]));
  return {
    change: wanted.filter((login) => byRole.has(login.role) && byRole.get(login.role) !== login.verifier),
    missing: wanted.filter((login) => !byRole.has(login.role)).map((login) => login.role),
  };
}

/** Sets the verifiers that differ; their commits need not wait for a standby (the keeper sends them again). */
export async function applyLoginVerifiers(pg: Postgres, wanted: LoginVerifier[]): Promise<{ changed: string[]; missing: string[] }> {
  const stored = await pg.query<{ rolname: string; rolpassword: string | null }>(
    "SELECT rolname, rolpassword FROM pg_authid WHERE rolname = ANY($1)",
    [wanted.map((login) => login.role)],
    5000,
  );
  const { change, missing } = loginChanges(wanted, stored);
  if (change.length > 0) {
    await pg.runIn("postgres", [LOCAL_COMMIT, ...change.map((login) => `ALTER ROLE ${quoteIdent(login.role)} PASSWORD ${quoteLiteral(login.verifier)}`)], 10_000);
  }
  return { changed: change.map((login) => login.role), missing };
}
