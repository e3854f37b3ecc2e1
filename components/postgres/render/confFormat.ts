/**
 * Value formatting shared by postgresql.conf and repmgr.conf (both use
 * PostgreSQL's `key = value` syntax with single-quoted strings). Strings are
 * quoted with quotes doubled and backslashes escaped; a control character
 * cannot be written into a quoted value at all, so it is refused here even
 * though the validator refuses it first.
 */
export type ConfValue = string | number | boolean;

const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
/** An unquoted number PostgreSQL's lexer reads as one token (no exponent). */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

export function confValue(value: ConfValue, key = "a value"): string {
  if (typeof value === "boolean") return value ? "on" : "off";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`${key}: ${value} cannot be written into a configuration file`);
    const text = String(value);
    return PLAIN_NUMBER.test(text) ? text : `'${text}'`;
  }
  if (CONTROL_CHARACTER.test(value)) {
    throw new Error(`${key}: a value with control characters (newline, tab, NUL...) cannot be written into a configuration file`);
  }
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

export function confLines(entries: Record<string, ConfValue>): string {
  return Object.entries(entries)
    .map(([key, value]) => `${key} = ${confValue(value, key)}`)
    .join("\n");
}

export const HEADER = "# Rendered by pgswarm from the stack config. Do not edit: change the stack file and run `pulumi up`.";
