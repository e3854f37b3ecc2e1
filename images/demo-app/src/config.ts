/**
 * The demo app's database settings, from the environment pgswarm gives it
 * (libpq, GeoMapFish or URL style). The password comes from a file, never env.
 */
import * as fs from "fs";

export interface Endpoint {
  host: string;
  port: number;
  database: string;
  user: string;
}

export interface DbSettings {
  write: Endpoint;
  read: Endpoint;
  passwordFile: string;
  /** Regexes matched against "METHOD /path": force the primary (wins) or a replica. */
  forceWrite: RegExp[];
  forceRead: RegExp[];
}

type Env = Record<string, string | undefined>;

function fromUrl(url: string): Endpoint {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, "")),
    user: decodeURIComponent(parsed.username),
  };
}

function anchored(json: string | undefined): RegExp[] {
  const patterns: string[] = json ? JSON.parse(json) : [];
  return patterns.map((pattern) => new RegExp(`^(?:${pattern})`));
}

export function dbSettings(env: Env): DbSettings {
  const overrides = { forceWrite: anchored(env.PGSWARM_DB_CHOOSER_MASTER), forceRead: anchored(env.PGSWARM_DB_CHOOSER_SLAVE) };
  if (env.DATABASE_URL) {
    const write = fromUrl(env.DATABASE_URL);
    return {
      write,
      read: env.DATABASE_READ_URL ? fromUrl(env.DATABASE_READ_URL) : write,
      passwordFile: env.DATABASE_PASSWORD_FILE ?? "",
      ...overrides,
    };
  }
  const write: Endpoint = {
    host: env.PGHOST ?? "db-rw",
    port: Number(env.PGPORT ?? 5432),
    database: env.PGDATABASE ?? "app",
    user: env.PGUSER ?? "app",
  };
  const readHost = env.PGHOST_RO ?? env.PGHOST_SLAVE ?? write.host;
  const readPort = Number(env.PGPORT_RO ?? env.PGPORT_SLAVE ?? write.port);
  return { write, read: { ...write, host: readHost, port: readPort }, passwordFile: env.PGPASSWORD_FILE ?? "", ...overrides };
}

export function readPassword(file: string): string {
  return file ? fs.readFileSync(file, "utf8").trim() : "";
}

/** GeoMapFish's rule: GET, HEAD and OPTIONS read; everything else writes; overrides first. */
export function routeFor(method: string, path: string, settings: Pick<DbSettings, "forceWrite" | "forceRead">): "write" | "read" {
  const request = `${method} ${path}`;
  if (settings.forceWrite.some((pattern) => pattern.test(request))) return "write";
  if (settings.forceRead.some((pattern) => pattern.test(request))) return "read";
  return ["GET", "HEAD", "OPTIONS"].includes(method) ? "read" : "write";
}
