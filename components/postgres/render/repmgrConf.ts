/** repmgr.conf for one DB member: identity, failover timing and the split-brain defences. */
import { durationSeconds, parseDurationMs, type StackConfig } from "../../config";
import { configPath, PGDATA, POSTGRES_PORT } from "../../contract";
import type { DbMember } from "../topology";
import { confLines, HEADER } from "./confFormat";
import { REPMGR_USER } from "./pgHba";

export { PGDATA };
export const REPMGR_CONF = configPath("repmgr");

const RECONNECT_ATTEMPTS = 3;
const reconnectIntervalSeconds = (timeout: string) => Math.max(1, Math.round((parseDurationMs(timeout) ?? 0) / 1000 / RECONNECT_ATTEMPTS));

export function renderRepmgrConf(member: DbMember, config: StackConfig): string {
  const { failover } = config.database;
  const dataNodes = config.database.nodes;
  const entries: Record<string, string | number | boolean> = {
    node_id: member.nodeId,
    node_name: member.name,
    conninfo: `host=${member.name} port=${POSTGRES_PORT} user=${REPMGR_USER} dbname=repmgr connect_timeout=2`,
    data_directory: PGDATA,
    pg_bindir: "/usr/lib/postgresql/17/bin",
    use_replication_slots: true,
    // Never promote the witness; every data node is an equal candidate.
    priority: member.kind === "witness" ? 0 : 100,
    location: "swarm",
    failover: "automatic",
    // Promotes, then gives the new primary its own WAL archive.
    promote_command: "/usr/local/bin/pgswarm-promote",
    follow_command: `repmgr standby follow -f ${REPMGR_CONF} --log-to-file --upstream-node-id=%n`,
    // TODO(lead): repmgrd gives way to the member agent; until then its detection follows database.failover
    // (about timeout before a promotion: 3 attempts of timeout / 3, checked every heartbeat).
    monitor_interval_secs: durationSeconds(failover.heartbeat),
    reconnect_attempts: RECONNECT_ATTEMPTS,
    reconnect_interval: reconnectIntervalSeconds(failover.timeout),
    connection_check_type: "ping",
    // Promote only if no other standby still sees the primary (a majority lost it).
    primary_visibility_consensus: true,
    standby_disconnect_on_failover: true,
    // A primary that loses all its standbys (and the witness) is isolated: it fences itself.
    child_nodes_check_interval: 5,
    child_nodes_connected_min_count: 1,
    child_nodes_connected_include_witness: true,
    child_nodes_disconnect_timeout: Math.max(30, durationSeconds(failover.timeout) * 2),
    child_nodes_disconnect_command: "/usr/local/bin/pgswarm-fence",
    log_level: "INFO",
    log_status_interval: 300,
  };
  // With a single standby there are no children to lose in a way a majority agrees on.
  if (dataNodes < 2) delete entries.child_nodes_disconnect_command;
  return `${HEADER}\n${confLines(entries)}\n`;
}
