/**
 * What the DB member image and the TypeScript program agree on: paths inside a
 * member's container, the files pgswarm mounts there, the member agent's port,
 * the pgBackRest stanza and the role names. The agent imports this module; the
 * image's shell scripts read the same values from a file generated from it at
 * image build time (images/postgres/contract-env.ts), so every name has one source.
 */

export const POSTGRES_PORT = 5432;
/** The member agent's HTTP API on the DB network (status, votes, leases; routers check it). */
export const AGENT_PORT = 8008;
/** The routers' Prometheus endpoint (HAProxy), which `npm run status` reads too. */
export const ROUTER_METRICS_PORT = 8405;
/** The stack's database endpoints on the DB network: the router services' aliases. */
export const ENDPOINTS = { rw: "db-rw", ro: "db-ro", alias: "db" } as const;

/** The member's volume. PostgreSQL's data directory lives below it, so pg_rewind and clones never touch our state. */
export const VOLUME_DIR = "/var/lib/postgresql/data";
export const PGDATA = `${VOLUME_DIR}/pgdata`;
/** The agent's own persistent state (term, vote, leadership) and the volume lock, outside PGDATA. */
export const STATE_DIR = `${VOLUME_DIR}/pgswarm`;
export const STATE_FILE = `${STATE_DIR}/state.json`;
/** Held (flock) for as long as any PostgreSQL process of this volume runs: one postmaster per volume, ever. */
export const LOCK_FILE = `${STATE_DIR}/volume.lock`;
/** Diverged data a re-clone moved aside (one generation is kept). */
export const DIVERGED_DIR_PREFIX = `${VOLUME_DIR}/pgdata.diverged.`;

export const CONFIG_DIR = "/etc/pgswarm";
export const SECRETS_DIR = "/run/secrets";
export const SOCKET_DIR = "/var/run/postgresql";
export const PG_BINDIR = "/usr/lib/postgresql/17/bin";

/** Files pgswarm mounts as Docker configs into a member, by purpose. */
export const CONFIG_FILES = {
  postgresql: "postgresql.conf",
  hba: "pg_hba.conf",
  pgbackrest: "pgbackrest.conf",
  repmgr: "repmgr.conf",
  /** The cluster as the agent sees it: members, voters, timings, synchronous quorum (JSON). */
  cluster: "cluster.json",
  /** pgBackRest as a restoring member uses it: the source repository (database.restore). */
  pgbackrestRestore: "pgbackrest-restore.conf",
  /** What the backup repository's agent does: schedules, retention, dumps (JSON). */
  backups: "backups.json",
} as const;
export const configPath = (file: keyof typeof CONFIG_FILES) => `${CONFIG_DIR}/${CONFIG_FILES[file]}`;

/**
 * Settings the agent changes at run time (who to follow, the synchronous quorum, the member's name),
 * written to this file in PGDATA, which postgresql.conf includes last; a reload applies them.
 */
export const RUNTIME_CONF = "pgswarm-runtime.conf";

/** Credentials as Docker secrets: /run/secrets/pgswarm-<name>-password. */
export const secretFile = (credential: string) => `${SECRETS_DIR}/pgswarm-${credential}-password`;
/** The shared key members authenticate each other's agent requests with. */
export const AGENT_KEY_CREDENTIAL = "agent-key";

export const STANZA = "pgswarm";

/**
 * The stack's pgBackRest repository: one service on the DB network that every
 * member archives to and that takes the backups, reached over pgBackRest's TLS
 * protocol (no SSH). Its volume holds the repository and the logical dumps.
 */
export const BACKUP_REPO_HOST = "backup-repo";
export const PGBACKREST_TLS_PORT = 8432;
/**
 * PostgreSQL's archive_command and restore_command (images/postgres/pgswarm-wal.sh):
 * pgBackRest bounded in time. pgBackRest waits for ever on a repository that
 * accepts a connection and then says nothing (a frozen container), and a
 * blackholed one stalls the connect: either would hold a standby's promotion or a
 * primary's stop. The script first opens a TCP connection to the repository
 * (failing within the connect timeout), then runs pgBackRest under `timeout`; a
 * repository that did not answer is not asked again for `downRemembered` seconds.
 */
export const WAL_COMMAND = "/usr/local/bin/pgswarm-wal";
export const WAL_TIMEOUTS_S = { connect: 1, get: 10, push: 30, downRemembered: 10 } as const;
/**
 * While a standby streams from a leader it hears (or lost the stream less than a failover timeout
 * ago), its agent keeps an expiry (epoch seconds) in this file, and until then restore_command
 * answers "not in the archive" at once: PostgreSQL reads its pg_wal, where the WAL receiver puts
 * the WAL and the timeline history files it gets from the leader. When a stream ends (a switchover),
 * PostgreSQL looks in the archive for the next segment and the next timeline's history before each
 * retry: with a busy repository each lookup took 50–600 ms and held the standby's promotion or its
 * switch to the new primary, while commits waited for a standby. The agent drops the file before
 * it promotes its server — a new timeline is chosen against the archive, so two members never pick
 * the same number — unless a handover's archive probe made that lookup ahead of the pause
 * (agent/handover.ts, promotesFromLocalWal), and before pg_rewind; it refreshes it every second, and
 * a stale one expires.
 */
export const STREAM_FIRST_FILE = "/tmp/pgswarm-stream-first";
export const STREAM_FIRST_HOLD_S = 2;
export const REPO_DIR = "/var/lib/pgbackrest";
export const REPO_PATH = `${REPO_DIR}/repo`;
export const DUMPS_DIR = `${REPO_DIR}/dumps`;
/** Another stack's repository volume, mounted read-only into the repository service to restore from. */
export const SOURCE_REPO_DIR = "/var/lib/pgbackrest-source";
export const SOURCE_REPO_PATH = `${SOURCE_REPO_DIR}/repo`;
/**
 * An S3 repository's keys: Docker secrets mounted in the repository service alone. Its agent
 * copies them into a pgBackRest include file on a tmpfs (pgBackRest reads keys only from its
 * config or its environment, and no secret goes into an environment), read through
 * PGBACKREST_CONFIG_INCLUDE_PATH.
 */
export const S3_KEY_FILES = {
  accessKey: `${SECRETS_DIR}/pgswarm-s3-access-key`,
  secretKey: `${SECRETS_DIR}/pgswarm-s3-secret-key`,
} as const;
export const PGBACKREST_INCLUDE_DIR = "/run/pgswarm-pgbackrest";
/**
 * TLS between members and the repository: the stack's CA, and for each host a key
 * and a certificate whose CN is its name on the DB network (server and client use).
 */
export const TLS_FILES = {
  ca: `${SECRETS_DIR}/pgswarm-tls-ca.crt`,
  cert: `${SECRETS_DIR}/pgswarm-tls.crt`,
  key: `${SECRETS_DIR}/pgswarm-tls.key`,
} as const;

/** backups.json: what the repository's agent reads at start. Rendered by components/backups/render.ts. */
export interface BackupSpec {
  stack: string;
  /** Cron expressions (minute hour day-of-month month day-of-week, UTC). */
  schedule: { full: string; diff?: string };
  walArchiving: boolean;
  /** Logical dumps of the application database, taken from the read side. */
  dumps: { schedule?: string; keep: number; database: string; user: string; credential: string; host: string };
  /** The data members, which the login keeper asks for the primary. */
  members: string[];
  /**
   * The applications' login roles and their password credentials (both rotation slots): the
   * repository keeps their passwords in PostgreSQL, so a rotation never restarts a member.
   */
  logins: Array<{ role: string; credential: string }>;
}

/** Where a new cluster's first member restores from (database.restore) instead of initdb. */
export interface RestoreSpec {
  /** The stack whose repository holds the backups. */
  from: string;
  /** As the stack file says: "latest", or an ISO 8601 time. */
  time: string;
  /** The time as recovery_target_time (UTC, `YYYY-MM-DD HH:MM:SS[.ffffff]+00`); absent for "latest" (the end of the archive). */
  targetTime?: string;
}
export const ROLES = {
  superuser: "postgres",
  replication: "repmgr",
  monitor: "pgswarm_monitor",
  /** postgres_exporter's role (monitoring.enabled). */
  exporter: "pgswarm_exporter",
} as const;
export const REPMGR_DB = "repmgr";

/** A DB member as the agents know it. Witnesses vote but hold no data. */
export interface ClusterMember {
  name: string;
  kind: "data" | "witness";
  /** repmgr's node_id. */
  nodeId: number;
}

/** A role pgswarm keeps in PostgreSQL, its password taken from a mounted secret at every start. */
export interface ManagedRole {
  name: string;
  /**
   * The credential whose secret file holds the password (secretFile(credential)). Absent for the
   * applications' login roles: the backup repository's login keeper sets theirs (BackupSpec.logins).
   */
  credential?: string;
  /** CREATE/ALTER ROLE options, e.g. ["LOGIN", "SUPERUSER", "REPLICATION"]. */
  options: string[];
  /** Roles it is granted, e.g. ["pg_monitor"]. */
  memberOf: string[];
  /**
   * Settings kept on the role itself (ALTER ROLE … SET name TO value), in force for
   * every session it opens, e.g. { default_transaction_read_only: "on" }.
   */
  settings?: Record<string, string>;
  /**
   * Read access to the application database (ClusterSpec.database): CONNECT, USAGE
   * on its schema public and SELECT on every table and sequence there, including
   * those the database's owner creates later (default privileges).
   */
  readsDatabase?: boolean;
}

/** cluster.json: what every member's agent reads at start. Rendered by components/postgres/render/clusterSpec.ts. */
export interface ClusterSpec {
  stack: string;
  topology: "standalone" | "replicated" | "read-split";
  members: ClusterMember[];
  /** The data member that initialises the cluster when no member has data yet. */
  initialPrimary: string;
  database: { name: string; owner: string };
  roles: ManagedRole[];
  /** How many standbys must hold a commit before it is acknowledged (0: asynchronous). */
  synchronousCount: number;
  walArchiving: boolean;
  /** The primary renews its lease this often; members unheard for timeoutMs are gone. */
  heartbeatMs: number;
  timeoutMs: number;
  /**
   * The operator's cold-start override: this member leads on its own vote (a
   * majority of the voters is lost for good) and no other member stands.
   */
  forcePrimary?: string;
  /** db-ro admits a standby at most this many bytes behind the primary. */
  replicaMaxLagBytes: number;
  /** Bootstrap from another stack's backups instead of initdb (only when no member has data). */
  restore?: RestoreSpec;
}
