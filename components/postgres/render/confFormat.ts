/** Value formatting shared by postgresql.conf and repmgr.conf (both use key = value with single-quoted strings). */
export function confValue(value: string | number | boolean): string {
  if (typeof value === "boolean") return value ? "on" : "off";
  if (typeof value === "number") return String(value);
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

export function confLines(entries: Record<string, string | number | boolean>): string {
  return Object.entries(entries)
    .map(([key, value]) => `${key} = ${confValue(value)}`)
    .join("\n");
}

export const HEADER = "# Rendered by pgswarm from the stack config. Do not edit: change the stack file and run `pulumi up`.";
