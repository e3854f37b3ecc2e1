/**
 * The demo app's one table. A service that may write creates it; a ro service
 * (logged in as the read-only role, which can create nothing) waits until it
 * can read it.
 */
export const CREATE_ITEMS =
  "CREATE TABLE IF NOT EXISTS items (id bigserial PRIMARY KEY, value text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())";
export const READ_ITEMS = "SELECT 1 FROM items LIMIT 0";

/** What the app runs before it is ready, by its PGSWARM_DB_ACCESS. */
export const schemaStatement = (access: string | undefined) => (access === "ro" ? READ_ITEMS : CREATE_ITEMS);
