/**
 * repmgr.conf for one DB member. repmgr clones standbys and keeps its metadata
 * (`repmgr cluster show`); failure detection and promotion are the member
 * agent's (majority votes with terms and leases), so repmgrd is not run and
 * `failover` is manual here.
 */
import { configPath, PG_BINDIR, PGDATA, POSTGRES_PORT, REPMGR_DB, ROLES } from "../../contract";
import type { DbMember } from "../topology";
import { confLines, HEADER } from "./confFormat";

export { PGDATA };
export const REPMGR_CONF = configPath("repmgr");
export const REPMGR_USER = ROLES.replication;

export function renderRepmgrConf(member: DbMember): string {
  const entries: Record<string, string | number | boolean> = {
    node_id: member.nodeId,
    node_name: member.name,
    conninfo: `host=${member.name} port=${POSTGRES_PORT} user=${REPMGR_USER} dbname=${REPMGR_DB} connect_timeout=2`,
    data_directory: PGDATA,
    pg_bindir: PG_BINDIR,
    // The agent keeps one physical slot per member (named after it) on whichever member leads.
    use_replication_slots: false,
    location: "swarm",
    // The agent decides elections; repmgr must never act on its own.
    failover: "manual",
    log_level: "INFO",
  };
  return `${HEADER}\n${confLines(entries)}\n`;
}
