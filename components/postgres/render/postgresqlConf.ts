/** postgresql.conf for every data node of a cluster (one file: roles change at run time, the file does not). */
import { durationSeconds, sizeKilobytes, type StackConfig } from "../../config";
import { RUNTIME_CONF } from "../../contract";
import { CONFIG_DIR, POSTGRES_PORT } from "../../names";
import { confLines, HEADER } from "./confFormat";

export const ARCHIVE_COMMAND_ON = "pgbackrest --stanza=pgswarm archive-push %p";
/** Kept even when archiving is off so that switching it back on needs a reload, not a restart. */
export const ARCHIVE_COMMAND_OFF = "/bin/true";

/** ANY 1 over every slot: the primary ignores its own name, so this holds whichever node is primary. */
export function synchronousStandbyNames(config: StackConfig): string {
  if (config.topology === "standalone" || config.database.synchronous === "off") return "";
  const slots = Array.from({ length: config.database.nodes }, (_, index) => `pgnode${index + 1}`);
  return `ANY 1 (${slots.join(", ")})`;
}

/**
 * How long a WAL sender or receiver waits on a silent peer. The default (60 s)
 * keeps standbys attached to a dead primary long after repmgrd gave up on it,
 * which holds the election back (standby_disconnect_on_failover).
 */
export function replicationTimeoutSeconds(config: StackConfig): number {
  return Math.max(2, durationSeconds(config.database.failover.timeout));
}

export function renderPostgresqlConf(config: StackConfig): string {
  const replicated = config.topology !== "standalone";
  const { database } = config;
  const managed: Record<string, string | number | boolean> = {
    listen_addresses: "*",
    port: POSTGRES_PORT,
    hba_file: `${CONFIG_DIR}/pg_hba.conf`,
    password_encryption: "scram-sha-256",
    wal_level: "replica",
    wal_log_hints: true, // pg_rewind needs it to bring an old primary back as a standby
    hot_standby: true,
    max_wal_senders: 10,
    max_replication_slots: 10,
    wal_receiver_timeout: `${replicationTimeoutSeconds(config)}s`,
    wal_sender_timeout: `${replicationTimeoutSeconds(config)}s`,
    // A standby that is gone for good must not fill the primary's disk through its slot.
    max_slot_wal_keep_size: `${Math.max(sizeKilobytes(database.replicaMaxLag) * 64, 1024 * 1024)}kB`,
    archive_mode: true,
    archive_command: database.walArchiving ? ARCHIVE_COMMAND_ON : ARCHIVE_COMMAND_OFF,
    restore_command: database.walArchiving ? 'pgbackrest --stanza=pgswarm archive-get %f "%p"' : "",
    archive_timeout: "60s",
    wal_retrieve_retry_interval: "500ms",
    wal_keep_size: "512MB",
    hot_standby_feedback: true,
    shared_preload_libraries: replicated ? "repmgr" : "",
    log_destination: "stderr",
    logging_collector: false,
    log_line_prefix: "%m [%p] %q%u@%d ",
    log_connections: false,
    tcp_keepalives_idle: 10,
    tcp_keepalives_interval: 5,
    tcp_keepalives_count: 3,
  };
  const sections = [HEADER, "", "# Managed by pgswarm", confLines(managed)];
  if (Object.keys(database.settings).length > 0) {
    sections.push("", "# From database.settings", confLines(database.settings));
  }
  // Last: what the member agent sets at run time (whom to follow, which standbys commits wait for).
  sections.push("", `include_if_exists = '${RUNTIME_CONF}'`);
  return `${sections.join("\n")}\n`;
}
