/**
 * The PostgreSQL settings pgswarm manages: one table that renders
 * postgresql.conf and tells the validator what database.settings may not set.
 *
 * fixed:   pgswarm's value; database.settings may not set it (the refusal names
 *          the pgswarm key to use instead). Without a value it is never
 *          rendered: refused outright, or set at run time by the member agent
 *          through pgswarm-runtime.conf.
 * default: pgswarm's value unless database.settings overrides it (with a check
 *          where a wrong override would break the cluster).
 *
 * Pure: imports no Pulumi and nothing that does.
 */
import type { SettingValue, StackConfig } from "../config/schema";
import { parseDurationMs, sizeKilobytes } from "../config/units";
import { configPath, POSTGRES_PORT, SOCKET_DIR, WAL_COMMAND } from "../contract";

export type { SettingValue };
type Derived = (config: StackConfig) => SettingValue;

export interface ManagedSetting {
  name: string;
  kind: "fixed" | "default";
  /** What pgswarm writes into postgresql.conf; absent: never written there. */
  value?: Derived;
  /** fixed: why database.settings may not set it, and what to set instead. */
  refusal?: string;
  /** fixed: the values database.settings may choose instead of pgswarm's (wal_level: logical). */
  allowed?: readonly string[];
  /** default: what is wrong with an override, or undefined. */
  check?: (value: SettingValue, config: StackConfig) => string | undefined;
}

/** A segment is archived at the latest this long after its first write: the most a restore to "latest" can miss. */
export const ARCHIVE_TIMEOUT = "60s";
// pgBackRest's backup and check refuse an archive_command that does not contain "pgbackrest": the wrapper takes it as its first word.
export const ARCHIVE_COMMAND_ON = `${WAL_COMMAND} pgbackrest archive-push %p`;
/** Kept when archiving is off so that switching it back on needs a reload, not a restart. */
export const ARCHIVE_COMMAND_OFF = "/bin/true";
export const RESTORE_COMMAND_ON = `${WAL_COMMAND} pgbackrest archive-get %f "%p"`;
/** Replication gives up on a silent peer after database.failover.timeout, but never sooner than this. */
export const REPLICATION_TIMEOUT_MIN_MS = 2000;

/** The data members whose votes decide an election: data nodes plus the witness. */
function voters(config: StackConfig): number {
  return config.database.nodes + (config.database.witness ? 1 : 0);
}

/**
 * How many standbys must hold a commit before it is acknowledged. With V voters
 * and a majority of M = floor(V/2) + 1, a commit on the primary and V - M
 * standbys is on enough members that any majority electing a new primary
 * includes one of them: it survives any single failure. 0 when there is no
 * synchronous replication.
 */
export function syncStandbyCount(config: StackConfig): number {
  if (config.topology === "standalone" || config.database.synchronous === "off") return 0;
  const total = voters(config);
  const majority = Math.floor(total / 2) + 1;
  return Math.max(1, total - majority);
}

/** `ANY k (pgnode1, …)`: the primary never counts itself, so one value holds whichever member leads. Set at run time by the agent. */
export function synchronousStandbyNames(config: StackConfig): string {
  const count = syncStandbyCount(config);
  if (count === 0) return "";
  const slots = Array.from({ length: config.database.nodes }, (_, index) => `pgnode${index + 1}`);
  return `ANY ${count} (${slots.join(", ")})`;
}

export function replicationTimeoutMs(config: StackConfig): number {
  return Math.max(REPLICATION_TIMEOUT_MIN_MS, parseDurationMs(config.database.failover.timeout) ?? 0);
}

export function preloadLibraries(config: StackConfig): string[] {
  return [...(config.topology === "standalone" ? [] : ["repmgr"]), ...config.database.preloadLibraries];
}

/** A standby needs a WAL sender and a slot; clones and rewinds need a couple more. */
function enoughForEveryMember(value: SettingValue, config: StackConfig): string | undefined {
  const needed = config.database.nodes + 2;
  const count = Number(value);
  return Number.isInteger(count) && count >= needed
    ? undefined
    : `expected at least ${needed} (database.nodes + 2: one for every standby, plus clones and rewinds)`;
}

const fixed = (name: string, value: Derived | undefined, refusal: string, allowed?: readonly string[]): ManagedSetting => ({
  name,
  kind: "fixed",
  value,
  refusal,
  allowed,
});
const preset = (name: string, value: Derived, check?: ManagedSetting["check"]): ManagedSetting => ({ name, kind: "default", value, check });

const AGENT_SETS_IT = "the member agent sets it at run time (pgswarm-runtime.conf)";
const ARCHIVING = "set database.walArchiving instead";
const TIMEOUT = `set database.failover.timeout instead: replication gives up on a silent peer after it (at least ${REPLICATION_TIMEOUT_MIN_MS / 1000}s)`;
const RECOVERY_TARGET =
  "point-in-time recovery is a restore, not a running setting: on a member it would stop replay at that point and keep it from following a new primary";

export const MANAGED_SETTINGS: readonly ManagedSetting[] = [
  fixed("listen_addresses", () => "*", "members, routers and applications reach PostgreSQL over the DB network, on every interface"),
  fixed("port", () => POSTGRES_PORT, `everything on the DB network uses port ${POSTGRES_PORT}`),
  fixed("hba_file", () => configPath("hba"), "access is pgswarm's pg_hba.conf (the DB network only, scram-sha-256)"),
  fixed("data_directory", undefined, "the data directory lives on the member's volume, where the image and the agent expect it"),
  fixed("config_file", undefined, "pgswarm installs postgresql.conf itself"),
  fixed("ident_file", undefined, "pgswarm authenticates with scram-sha-256 from its pg_hba.conf; there are no ident maps"),
  fixed("unix_socket_directories", undefined, `the member's scripts and agent reach PostgreSQL through ${SOCKET_DIR}`),
  fixed("password_encryption", () => "scram-sha-256", "pg_hba.conf accepts only scram-sha-256 passwords"),
  fixed("wal_level", () => "replica", "replication needs replica; only 'logical' (for logical decoding) may be set here", ["logical"]),
  // pg_rewind brings a former primary back as a standby: it needs hint bits in WAL and full pages.
  fixed("wal_log_hints", () => true, "pg_rewind needs it to bring a former primary back as a standby"),
  fixed("full_page_writes", () => true, "pg_rewind and crash recovery need it"),
  fixed("hot_standby", () => true, "standbys answer reads (db-ro) and the member agent's checks"),
  fixed("archive_mode", () => true, `${ARCHIVING}: archive_mode stays on and the command changes, so no restart is needed`),
  fixed(
    "archive_command",
    (config) => (config.database.walArchiving ? ARCHIVE_COMMAND_ON : ARCHIVE_COMMAND_OFF),
    `${ARCHIVING} (on: pgBackRest, off: /bin/true)`,
  ),
  fixed("archive_library", undefined, `it would replace archive_command: ${ARCHIVING}`),
  fixed(
    "restore_command",
    (config) => (config.database.walArchiving ? RESTORE_COMMAND_ON : ""),
    `${ARCHIVING} (on: standbys and rewinds fetch missing WAL from pgBackRest)`,
  ),
  fixed("wal_receiver_timeout", (config) => `${replicationTimeoutMs(config)}ms`, TIMEOUT),
  fixed("wal_sender_timeout", (config) => `${replicationTimeoutMs(config)}ms`, TIMEOUT),
  fixed("synchronous_standby_names", undefined, `set database.synchronous instead; ${AGENT_SETS_IT}`),
  fixed("synchronous_commit", undefined, `set database.synchronous instead; ${AGENT_SETS_IT}`),
  fixed("primary_conninfo", undefined, `${AGENT_SETS_IT}: which member to follow`),
  fixed("primary_slot_name", undefined, `${AGENT_SETS_IT}: which member to follow`),
  fixed("cluster_name", undefined, `${AGENT_SETS_IT}: the member's name`),
  fixed(
    "shared_preload_libraries",
    (config) => preloadLibraries(config).join(","),
    "list extra libraries in database.preloadLibraries; pgswarm adds repmgr itself where it needs it",
  ),
  fixed(
    "default_transaction_read_only",
    undefined,
    "read-only access is per role (ALTER ROLE … SET default_transaction_read_only = on); cluster-wide it would stop pgswarm's own writes",
  ),
  ...[
    "recovery_target",
    "recovery_target_action",
    "recovery_target_inclusive",
    "recovery_target_lsn",
    "recovery_target_name",
    "recovery_target_time",
    "recovery_target_timeline",
    "recovery_target_xid",
  ].map((name) => fixed(name, undefined, RECOVERY_TARGET)),
  fixed("promote_trigger_file", undefined, "PostgreSQL 16 removed it, and promotion is the member agent's"),
  ...["include", "include_dir", "include_if_exists"].map((name) => fixed(name, undefined, "include directives would bypass pgswarm's settings")),

  preset("max_wal_senders", () => 10, enoughForEveryMember),
  preset("max_replication_slots", () => 10, enoughForEveryMember),
  // The agent lowers it to 100 ms while a standby catches up with a leader it hears (runtimeConf.ts).
  preset("wal_retrieve_retry_interval", () => "500ms"),
  preset("wal_keep_size", () => "512MB"),
  // A standby that is gone for good must not fill the primary's disk through its slot.
  preset("max_slot_wal_keep_size", (config) => `${Math.max(sizeKilobytes(config.database.replicaMaxLag) * 64, 1024 * 1024)}kB`),
  preset("archive_timeout", () => ARCHIVE_TIMEOUT),
  preset("hot_standby_feedback", () => true),
  preset("log_destination", () => "stderr"),
  preset("logging_collector", () => false),
  preset("log_line_prefix", () => "%m [%p] %q%u@%d "),
  preset("log_connections", () => false),
  // Dead clients are gone within about 25 s (10 + 3 × 5) instead of the kernel's two hours.
  preset("tcp_keepalives_idle", () => 10),
  preset("tcp_keepalives_interval", () => 5),
  preset("tcp_keepalives_count", () => 3),
];

const BY_NAME = new Map(MANAGED_SETTINGS.map((setting) => [setting.name, setting]));

export function managedSetting(name: string): ManagedSetting | undefined {
  return BY_NAME.get(name);
}

/** Why database.settings may not set `name` to `value`, or undefined when it may. */
export function settingRefusal(name: string, value: SettingValue, config: StackConfig): string | undefined {
  const setting = BY_NAME.get(name);
  if (!setting) return undefined;
  if (setting.kind === "default") return setting.check?.(value, config);
  if (setting.allowed?.includes(String(value))) return undefined;
  return `pgswarm manages this setting: ${setting.refusal}`;
}
