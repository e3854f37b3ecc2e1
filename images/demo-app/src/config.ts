/**
 * The demo app's database settings, from the environment pgswarm gives it
 * (libpq, GeoMapFish or URL style). Each side logs in as its own role (the
 * read side as the read-only one when the environment names it); passwords
 * come from files, never env.
 */
import * as fs from "fs";
import { parseDurationMs } from "./routing";

export interface Endpoint {
  host: string;
  port: number;
  database: string;
  user: string;
  /** The file holding this user's password. */
  passwordFile: string;
}

export interface DbSettings {
  write: Endpoint;
  read: Endpoint;
  /** Regexes matched against "METHOD /path": force the primary (wins) or a replica. */
  forceWrite: RegExp[];
  forceRead: RegExp[];
  /** After a client writes, its reads go to the write side this long (0: never). */
  readYourWritesMs: number;
  /** Read-only maintenance: every request that would write is refused with 503. */
  readOnly: boolean;
}

type Env = Record<string, string | undefined>;

/** The window when PGSWARM_READ_YOUR_WRITES is not set: 2s for a split service, else none. */
export const DEFAULT_READ_YOUR_WRITES = "2s";

function fromUrl(url: string, passwordFile: string): Endpoint {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, "")),
    user: decodeURIComponent(parsed.username),
    passwordFile,
  };
}

function anchored(json: string | undefined): RegExp[] {
  const patterns: string[] = json ? JSON.parse(json) : [];
  return patterns.map((pattern) => new RegExp(`^(?:${pattern})`));
}

/** A switch written as true/false (also 1/0, on/off, yes/no); anything else stops the app with the variable's name. */
export function parseSwitch(name: string, value: string | undefined): boolean {
  if (value === undefined || /^(false|0|off|no|)$/i.test(value.trim())) return false;
  if (/^(true|1|on|yes)$/i.test(value.trim())) return true;
  throw new Error(`${name}: expected true or false, found ${JSON.stringify(value)}`);
}

export function readYourWritesMs(env: Env): number {
  const text = env.PGSWARM_READ_YOUR_WRITES ?? (env.PGSWARM_DB_ACCESS === "split" ? DEFAULT_READ_YOUR_WRITES : "0s");
  const ms = parseDurationMs(text);
  if (ms === undefined) throw new Error(`PGSWARM_READ_YOUR_WRITES: expected a duration such as "2s" or "500ms" ("0s": off), found ${JSON.stringify(text)}`);
  return ms;
}

/** The read side's role when the environment names one, else the write side's (with its password file). */
function readLogin(write: Endpoint, user: string | undefined, passwordFile: string | undefined): Pick<Endpoint, "user" | "passwordFile"> {
  return user ? { user, passwordFile: passwordFile ?? write.passwordFile } : { user: write.user, passwordFile: write.passwordFile };
}

export function dbSettings(env: Env): DbSettings {
  const rest = {
    forceWrite: anchored(env.PGSWARM_DB_CHOOSER_MASTER),
    forceRead: anchored(env.PGSWARM_DB_CHOOSER_SLAVE),
    readYourWritesMs: readYourWritesMs(env),
    readOnly: parseSwitch("PGSWARM_READ_ONLY", env.PGSWARM_READ_ONLY),
  };
  if (env.DATABASE_URL) {
    const write = fromUrl(env.DATABASE_URL, env.DATABASE_PASSWORD_FILE ?? "");
    if (!env.DATABASE_READ_URL) return { write, read: write, ...rest };
    const read = fromUrl(env.DATABASE_READ_URL, "");
    return { write, read: { ...read, ...readLogin(write, read.user || undefined, env.DATABASE_READ_PASSWORD_FILE) }, ...rest };
  }
  const write: Endpoint = {
    host: env.PGHOST ?? "db-rw",
    port: Number(env.PGPORT ?? 5432),
    database: env.PGDATABASE ?? "app",
    user: env.PGUSER ?? "app",
    passwordFile: env.PGPASSWORD_FILE ?? "",
  };
  const read: Endpoint = {
    ...write,
    host: env.PGHOST_RO ?? env.PGHOST_SLAVE ?? write.host,
    port: Number(env.PGPORT_RO ?? env.PGPORT_SLAVE ?? write.port),
    ...readLogin(write, env.PGUSER_RO ?? env.PGUSER_SLAVE, env.PGPASSWORD_FILE_RO ?? env.PGPASSWORD_SLAVE_FILE),
  };
  return { write, read, ...rest };
}

export function readPassword(file: string): string {
  return file ? fs.readFileSync(file, "utf8").trim() : "";
}
