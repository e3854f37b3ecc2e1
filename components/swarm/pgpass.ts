/** One pgpass line for a user on any host, port and database (libpq's PGPASSFILE format). */
export function renderPgpass(user: string, password: string): string {
  const escape = (field: string) => field.replace(/\\/g, "\\\\").replace(/:/g, "\\:");
  return `*:*:*:${escape(user)}:${escape(password)}\n`;
}
