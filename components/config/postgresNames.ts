/**
 * What PostgreSQL 17 accepts as the names a stack gives it: the application's
 * database and role, setting (GUC) names and preloaded library names. Pure.
 */
import { REPMGR_DB, ROLES } from "../contract";

/**
 * Keywords PostgreSQL reserves (kwlist.h: RESERVED_KEYWORD and
 * TYPE_FUNC_NAME_KEYWORD): as a database or role name they need quoting in
 * every statement, which the application's SQL would not do.
 */
export const RESERVED_WORDS = new Set(
  (
    "all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create " +
    "current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc " +
    "distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral " +
    "leading limit localtime localtimestamp not null offset on only or order placing primary references returning " +
    "select session_user some symmetric system_user table then to trailing true union unique user using variadic when " +
    "where window with " +
    // TYPE_FUNC_NAME_KEYWORD
    "authorization binary collation concurrently cross current_schema freeze full ilike inner is isnull join left like " +
    "natural notnull outer overlaps right similar tablesample verbose"
  ).split(" "),
);

/** An unquoted SQL identifier: lower-case, at most NAMEDATALEN - 1 bytes. */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const IDENTIFIER_EXPECTED = "expected a lower-case SQL identifier (letters, digits and _, at most 63, not starting with a digit)";

export function databaseNameProblem(name: string): string | undefined {
  if (!IDENTIFIER.test(name)) return IDENTIFIER_EXPECTED;
  if (["postgres", "template0", "template1", REPMGR_DB].includes(name)) {
    return `expected a database of the application's own; "${name}" is one PostgreSQL or pgswarm already has`;
  }
  if (RESERVED_WORDS.has(name)) return `expected a name that is not a word SQL reserves ("${name}" would need quoting everywhere)`;
  return undefined;
}

export function roleNameProblem(name: string): string | undefined {
  if (!IDENTIFIER.test(name)) return IDENTIFIER_EXPECTED;
  const own = Object.values(ROLES) as string[];
  if (own.includes(name) || name.startsWith("pgswarm_")) {
    return `expected a role of the application's own; "${name}" is pgswarm's (${own.join(", ")} and pgswarm_*)`;
  }
  if (name.startsWith("pg_") || name === "public" || name === "none") {
    return `expected a role name PostgreSQL allows; it reserves pg_*, public and none`;
  }
  if (RESERVED_WORDS.has(name)) return `expected a name that is not a word SQL reserves ("${name}" would need quoting everywhere)`;
  return undefined;
}

/** postgresql.conf names: an identifier, or `prefix.name` for an extension's setting (guc-file.l's QUALIFIED_ID). */
export const SETTING_NAME = /^[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)?$/;
export const SETTING_NAME_EXPECTED =
  "expected a PostgreSQL setting name: lower-case letters, digits and _, with one optional dot for an extension's setting (pg_stat_statements.max)";

/** A library for shared_preload_libraries: a plain name, nothing that would break the comma-separated list. */
export const LIBRARY_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
export const LIBRARY_NAME_EXPECTED = "expected a library name such as pg_stat_statements (letters, digits, _, . and -)";
