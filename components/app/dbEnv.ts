/**
 * The database environment an application receives: endpoints by the variable
 * names its framework expects, and credentials only as file paths.
 */
import type { ServiceConfig } from "../config";
import { SECRETS_DIR } from "../names";
import type { DbEndpoints } from "../postgres/cluster";

export const APP_PASSWORD_FILE = `${SECRETS_DIR}/pgswarm-app-password`;
export const APP_PGPASS_FILE = `${SECRETS_DIR}/pgswarm-app-pgpass`;

type Access = ServiceConfig["database"];
type Style = ServiceConfig["dbEnv"];

/** Which endpoint serves writes and which serves reads for an access mode. */
export function routeFor(access: Exclude<Access, "none">, endpoints: DbEndpoints): { write: string; read: string } {
  const ro = endpoints.ro ?? endpoints.rw;
  if (access === "ro") return { write: ro, read: ro };
  if (access === "split") return { write: endpoints.rw, read: ro };
  return { write: endpoints.rw, read: endpoints.rw };
}

export function databaseEnv(
  access: Access,
  style: Style,
  endpoints: DbEndpoints,
  dbChooser?: ServiceConfig["dbChooser"],
): Record<string, string> {
  if (access === "none") return {};
  const { write, read } = routeFor(access, endpoints);
  const port = String(endpoints.port);
  const common = { PGSWARM_DB_ACCESS: access, PGPASSFILE: APP_PGPASS_FILE };
  const chooser: Record<string, string> = dbChooser
    ? {
        PGSWARM_DB_CHOOSER_MASTER: JSON.stringify(dbChooser.master),
        PGSWARM_DB_CHOOSER_SLAVE: JSON.stringify(dbChooser.slave),
      }
    : {};
  const libpq = {
    PGHOST: write,
    PGPORT: port,
    PGDATABASE: endpoints.database,
    PGUSER: endpoints.user,
    PGPASSWORD_FILE: APP_PASSWORD_FILE,
  };

  switch (style) {
    case "libpq":
      return {
        ...common,
        ...libpq,
        ...(access === "split" ? { PGHOST_RO: read, PGPORT_RO: port } : {}),
        ...chooser,
      };
    case "geomapfish":
      // GeoMapFish always reads both; equal master and slave values switch the split off.
      return { ...common, ...libpq, PGHOST_SLAVE: read, PGPORT_SLAVE: port, ...chooser };
    case "url": {
      const url = (host: string) => `postgresql://${endpoints.user}@${host}:${port}/${endpoints.database}`;
      return {
        ...common,
        DATABASE_URL: url(write),
        DATABASE_PASSWORD_FILE: APP_PASSWORD_FILE,
        ...(access === "split" ? { DATABASE_READ_URL: url(read) } : {}),
        ...chooser,
      };
    }
  }
}
