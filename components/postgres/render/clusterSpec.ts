/**
 * cluster.json: the cluster as every member's agent sees it — who the members
 * are, who votes, the timings of leases and elections, how many standbys a
 * commit needs, and the roles to keep. One file for all members; each member
 * knows its own name from its environment.
 */
import { loginBaseRoles, parseDurationMs, parseSizeBytes, recoveryTargetTime, slotRole, type StackConfig } from "../../config";
import { AGENT_KEY_CREDENTIAL, ROLES, type ClusterSpec } from "../../contract";
import { syncStandbyCount } from "../settings";
import { dbMembers } from "../topology";

export function managedRoles(config: StackConfig): ClusterSpec["roles"] {
  const { app, reader } = loginBaseRoles(config.database);
  // The read side's sessions start read-only, and it holds no privilege but SELECT.
  const readOnly = { default_transaction_read_only: "on" };
  const readerOptions = ["LOGIN", "NOSUPERUSER", "NOCREATEDB", "NOCREATEROLE", "NOREPLICATION"];
  return [
    { name: ROLES.superuser, credential: "superuser", options: ["LOGIN", "SUPERUSER"], memberOf: [] },
    // pg_rewind and repmgr's clone connect as this role; replication connections too.
    { name: ROLES.replication, credential: "replication", options: ["LOGIN", "SUPERUSER", "REPLICATION"], memberOf: [] },
    { name: ROLES.monitor, credential: "monitor", options: ["LOGIN"], memberOf: ["pg_monitor"] },
    // The applications' logins: their passwords are the login keeper's (BackupSpec.logins), so a
    // rotation restarts no member. Slot 1 becomes slot 0's role at login: what it creates has one owner.
    { name: app, options: ["LOGIN"], memberOf: [] },
    { name: slotRole(app, 1), options: ["LOGIN"], memberOf: [app], settings: { role: app } },
    // Kept whether or not monitoring is on, so turning it on needs no other change.
    { name: ROLES.exporter, credential: "exporter", options: ["LOGIN"], memberOf: ["pg_monitor"] },
    // The read side's role (database: ro and split), kept in every topology, so a change of topology needs no other.
    { name: reader, options: readerOptions, memberOf: [], settings: readOnly, readsDatabase: true },
    { name: slotRole(reader, 1), options: readerOptions, memberOf: [reader], settings: { ...readOnly, role: reader } },
  ];
}

export function renderClusterSpec(stack: string, config: StackConfig): string {
  const spec: ClusterSpec = {
    stack,
    topology: config.topology,
    members: dbMembers(stack, config).map((member) => ({ name: member.name, kind: member.kind, nodeId: member.nodeId })),
    initialPrimary: config.database.initialPrimary,
    database: { name: config.database.name, owner: config.database.user },
    roles: managedRoles(config),
    synchronousCount: syncStandbyCount(config),
    walArchiving: config.database.walArchiving,
    heartbeatMs: parseDurationMs(config.database.failover.heartbeat) ?? 500,
    timeoutMs: parseDurationMs(config.database.failover.timeout) ?? 3000,
    replicaMaxLagBytes: parseSizeBytes(config.database.replicaMaxLag) ?? 16 * 1024 * 1024,
    ...(config.database.failover.forcePrimary ? { forcePrimary: config.database.failover.forcePrimary } : {}),
    ...(config.database.restore ? { restore: restoreSpec(config.database.restore) } : {}),
  };
  return `${JSON.stringify(spec, null, 2)}\n`;
}

function restoreSpec(restore: { from: string; time: string }): NonNullable<ClusterSpec["restore"]> {
  return { from: restore.from, time: restore.time, ...(restore.time === "latest" ? {} : { targetTime: recoveryTargetTime(restore.time) }) };
}

/** The credential every member's agent authenticates its peers with. */
export { AGENT_KEY_CREDENTIAL };
