/**
 * The database environment an application receives: endpoints by the variable
 * names its framework expects, the role for each side, and credentials only as
 * file paths. Pure: the secrets a service mounts follow from the same table.
 */
import { readYourWritesOf, type ServiceConfig } from "../config";
import { secretFile } from "../contract";
import { SECRETS_DIR } from "../names";
import type { DbEndpoints } from "../postgres/cluster";
import type { LoginCredential } from "../swarm/credentials";

type Access = ServiceConfig["database"];
export type DbAccess = Exclude<Access, "none">;
type Style = ServiceConfig["dbEnv"];

/**
 * Who a service logs in as, for each access mode: the write side (or, for ro,
 * the only side) and the read side, and the pgpass file that holds exactly
 * their lines. A rw service never gets the reader's password, a ro service
 * never the application's.
 */
export const DB_LOGINS: Record<DbAccess, { write: LoginCredential; read: LoginCredential; pgpass: string }> = {
  rw: { write: "app", read: "app", pgpass: "app" },
  ro: { write: "reader", read: "reader", pgpass: "reader" },
  split: { write: "app", read: "reader", pgpass: "split" },
};

/** The login credentials (and so the password files) a service gets. */
export const loginsFor = (access: DbAccess): LoginCredential[] => [...new Set([DB_LOGINS[access].write, DB_LOGINS[access].read])];

/** The pgpass files a stack needs for the access modes its services use; the application's own always. */
export function pgpassSets(accesses: Access[]): Record<string, LoginCredential[]> {
  const used = accesses.filter((access): access is DbAccess => access !== "none");
  return Object.fromEntries([...new Set<DbAccess>(["rw", ...used])].map((access) => [DB_LOGINS[access].pgpass, loginsFor(access)]));
}

export const passwordFile = (login: LoginCredential) => secretFile(login);
export const pgpassFile = (name: string) => `${SECRETS_DIR}/pgswarm-${name}-pgpass`;
export const APP_PASSWORD_FILE = passwordFile("app");
export const READER_PASSWORD_FILE = passwordFile("reader");
export const APP_PGPASS_FILE = pgpassFile(DB_LOGINS.rw.pgpass);

/** Which endpoint serves writes and which serves reads for an access mode. */
export function routeFor(access: DbAccess, endpoints: DbEndpoints): { write: string; read: string } {
  const ro = endpoints.ro ?? endpoints.rw;
  if (access === "ro") return { write: ro, read: ro };
  if (access === "split") return { write: endpoints.rw, read: ro };
  return { write: endpoints.rw, read: endpoints.rw };
}

/**
 * libpq's multi-host form over the data members, for clients that route
 * themselves: the first member that is a primary (read-write), or a standby
 * when one answers (prefer-standby).
 */
export function multiHostUrl(endpoints: DbEndpoints, user: string, attrs: "read-write" | "prefer-standby"): string {
  const hosts = endpoints.members.map((member) => `${member}:${endpoints.port}`).join(",");
  return `postgresql://${user}@${hosts}/${endpoints.database}?target_session_attrs=${attrs}`;
}

export function databaseEnv(
  access: Access,
  style: Style,
  endpoints: DbEndpoints,
  options: Pick<ServiceConfig, "dbChooser" | "readYourWrites"> = {},
): Record<string, string> {
  if (access === "none") return {};
  const { write, read } = routeFor(access, endpoints);
  const logins = DB_LOGINS[access];
  const userOf = (login: LoginCredential) => (login === "app" ? endpoints.user : endpoints.readUser);
  const [writeUser, readUser] = [userOf(logins.write), userOf(logins.read)];
  const port = String(endpoints.port);
  const split = access === "split";

  const common: Record<string, string> = {
    PGSWARM_DB_ACCESS: access,
    PGPASSFILE: pgpassFile(logins.pgpass),
    ...(access !== "ro" ? { PGSWARM_MULTIHOST_RW: multiHostUrl(endpoints, writeUser, "read-write") } : {}),
    ...(access !== "rw" ? { PGSWARM_MULTIHOST_RO: multiHostUrl(endpoints, readUser, "prefer-standby") } : {}),
    ...(split ? { PGSWARM_READ_YOUR_WRITES: readYourWritesOf(options) } : {}),
    ...(options.dbChooser
      ? {
          PGSWARM_DB_CHOOSER_MASTER: JSON.stringify(options.dbChooser.master),
          PGSWARM_DB_CHOOSER_SLAVE: JSON.stringify(options.dbChooser.slave),
        }
      : {}),
  };
  const libpq = {
    PGHOST: write,
    PGPORT: port,
    PGDATABASE: endpoints.database,
    PGUSER: writeUser,
    PGPASSWORD_FILE: passwordFile(logins.write),
  };

  switch (style) {
    case "libpq":
      return {
        ...common,
        ...libpq,
        ...(split ? { PGHOST_RO: read, PGPORT_RO: port, PGUSER_RO: readUser, PGPASSWORD_FILE_RO: passwordFile(logins.read) } : {}),
      };
    case "geomapfish":
      // GeoMapFish always reads both; equal master and slave values switch the split off.
      return {
        ...common,
        ...libpq,
        PGHOST_SLAVE: read,
        PGPORT_SLAVE: port,
        PGUSER_SLAVE: readUser,
        PGPASSWORD_SLAVE_FILE: passwordFile(logins.read),
      };
    case "url": {
      const url = (user: string, host: string) => `postgresql://${user}@${host}:${port}/${endpoints.database}`;
      return {
        ...common,
        DATABASE_URL: url(writeUser, write),
        DATABASE_PASSWORD_FILE: passwordFile(logins.write),
        ...(split ? { DATABASE_READ_URL: url(readUser, read), DATABASE_READ_PASSWORD_FILE: passwordFile(logins.read) } : {}),
      };
    }
  }
}
