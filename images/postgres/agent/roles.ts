/**
 * The roles and database pgswarm keeps, as SQL. Passwords travel only as SCRAM
 * verifiers computed in the agent, so no statement carries a password.
 */
import type { ManagedRole } from "../../../components/contract";

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const quoteLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** Statements that make `role` exist with its options, memberships and the password behind `verifier`. */
export function roleStatements(role: ManagedRole, verifier: string, exists: boolean): string[] {
  const options = [...role.options, `PASSWORD ${quoteLiteral(verifier)}`].join(" ");
  return [
    `${exists ? "ALTER" : "CREATE"} ROLE ${quoteIdent(role.name)} WITH ${options}`,
    ...role.memberOf.map((group) => `GRANT ${quoteIdent(group)} TO ${quoteIdent(role.name)}`),
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
