/**
 * `npm run status`: the live cluster as one snapshot (what the members' agents
 * and the routers answer inside the cluster, and what Swarm says about the
 * tasks), rendered as a table with one warning line per degraded thing. Pure:
 * tools/status.ts gathers the snapshot.
 */
import { ARCHIVE_COMMAND_OFF } from "../../components/postgres/settings";
import type { MemberStatus } from "../../images/postgres/agent/member";
import type { RouterTask } from "../../images/postgres/agent/routerPools";

export type MemberAnswer = MemberStatus | { name: string; unreachable: true };

export interface ServiceTasks {
  service: string;
  /** The member or router this service runs (pgnode1, db-rw, web …). */
  part: string;
  running: Array<{ node: string; since: string }>;
  /** Tasks Swarm started for this service after the first one (restarts and replacements). */
  restarts: number;
  /** The latest problem Swarm recorded for a task that is not running. */
  lastError?: string;
}

/** What the backup repository's agent answers (images/postgres/agent/repo/repository.ts), as far as status shows it. */
export interface BackupsAnswer {
  unreachable?: true;
  stanza?: { ok: boolean; message: string };
  walArchiving?: boolean;
  backups?: Array<{ label: string; type: string; stop: string }>;
  earliestRestorable?: string;
  next?: { full?: string; diff?: string; dump?: string };
  last?: Record<string, { ok: boolean; startedAt: string; error?: string }>;
  running?: string;
}

/** A newest backup older than this is a missed weekly full (the default schedule): worth a warning. */
export const BACKUP_TOO_OLD_MS = 8 * 24 * 3600_000;

export interface StatusSnapshot {
  stack: string;
  topology: string;
  replicaMaxLagBytes: number;
  members: MemberAnswer[];
  routers: RouterTask[];
  services: ServiceTasks[];
  /** The backup repository's answer; absent from a ctl older than the repository. */
  backups?: BackupsAnswer;
  at: string;
}

const isUp = (member: MemberAnswer): member is MemberStatus => !("unreachable" in member);

function bytes(value: string | number | undefined): string {
  if (value === undefined) return "-";
  const n = Number(value);
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function replication(member: MemberStatus): string {
  if (member.role === "primary") return member.synchronousStandbyNames ? `commits wait for ${member.synchronousStandbyNames}` : "commits wait for no standby";
  if (member.role === "standby") return `${member.postgres?.receiver ?? "not receiving"}${member.following?.member ? ` from ${member.following.member}` : ""}`;
  return member.kind === "witness" ? "votes only" : "PostgreSQL not running";
}

/** Everything an operator should look at now, one line each. */
export function statusWarnings(snapshot: StatusSnapshot): string[] {
  const warnings: string[] = [];
  const up = snapshot.members.filter(isUp);
  for (const member of snapshot.members) if (!isUp(member)) warnings.push(`${member.name}: its agent does not answer`);
  const primaries = up.filter((member) => member.role === "primary");
  const leaders = primaries.filter((member) => member.leaseValid || snapshot.topology === "standalone");
  if (leaders.length === 0) warnings.push("no member holds the primary's lease: writes fail until one is elected");
  if (primaries.length > 1) warnings.push(`${primaries.map((member) => member.name).join(" and ")} both run as primary (the one without a lease is being fenced)`);
  for (const member of up) {
    if (member.kind === "witness") continue;
    if (!["primary", "standby"].includes(member.phase)) warnings.push(`${member.name}: ${member.phase}, not serving yet`);
    if (member.role === "standby" && member.postgres?.receiver !== "streaming") {
      warnings.push(`${member.name}: standby not streaming (${member.postgres?.receiver ?? "no WAL receiver"})`);
    }
    const lag = member.postgres?.lagBytes === undefined ? undefined : Number(member.postgres.lagBytes);
    if (member.role === "standby" && lag !== undefined && lag > snapshot.replicaMaxLagBytes) {
      warnings.push(`${member.name}: ${bytes(lag)} behind the primary (limit ${bytes(snapshot.replicaMaxLagBytes)}), out of db-ro`);
    }
  }
  for (const router of snapshot.routers) {
    const name = `${router.service} at ${router.address}`;
    if (!router.pools) {
      warnings.push(`${name}: the router does not answer`);
      continue;
    }
    const admitted = Object.values(router.pools).flat();
    if ((router.pools.primary ?? []).length === 0 && (router.service.endsWith("db-rw") || admitted.length === 0)) {
      warnings.push(`${name}: empty pool, it admits no ${router.service.endsWith("db-rw") ? "primary" : "member"}`);
    }
  }
  for (const service of snapshot.services) {
    if (service.running.length === 0) warnings.push(`${service.service}: no task running${service.lastError ? ` (${service.lastError})` : ""}`);
  }
  return [...warnings, ...archivingWarnings(snapshot, primaries)];
}

/** WAL archiving and backups: what makes a point-in-time restore impossible or stale. */
function archivingWarnings(snapshot: StatusSnapshot, primaries: MemberStatus[]): string[] {
  const warnings: string[] = [];
  const backups = snapshot.backups;
  if (!backups) return warnings;
  if (backups.unreachable) return ["backup-repo: the backup repository does not answer: WAL archiving and backups stall until it is back"];
  if (backups.walArchiving === false) warnings.push("WAL archiving is off (database.walArchiving): no backup is taken and no point in time can be restored");
  if (backups.stanza && !backups.stanza.ok) warnings.push(`backup-repo: stanza not ready (${backups.stanza.message})`);
  for (const primary of primaries) {
    const archiver = primary.postgres?.archiver;
    if (archiver?.lastFailedAt && (!archiver.lastArchivedAt || archiver.lastFailedAt > archiver.lastArchivedAt)) {
      warnings.push(`${primary.name}: WAL archiving is failing (last failure ${archiver.lastFailedAt} on ${archiver.lastFailedWal ?? "?"}; ${archiver.failedCount} failures)`);
    }
  }
  for (const [kind, result] of Object.entries(backups.last ?? {})) {
    if (!result.ok) warnings.push(`backup-repo: the last ${kind} failed at ${result.startedAt}: ${result.error ?? "no reason given"}`);
  }
  const newest = backups.backups?.at(-1);
  if (newest && Date.parse(snapshot.at) - Date.parse(newest.stop) > BACKUP_TOO_OLD_MS) {
    warnings.push(`backup-repo: the newest backup (${newest.label}) ended ${newest.stop}, more than 8 days ago`);
  }
  return warnings;
}

/** One line each for archiving (on the primary) and the repository's backups. */
function archivingLines(snapshot: StatusSnapshot): string[] {
  const backups = snapshot.backups;
  if (!backups) return [];
  const lines: string[] = [];
  for (const primary of snapshot.members.filter(isUp).filter((member) => member.role === "primary")) {
    const archiver = primary.postgres?.archiver;
    if (!archiver) continue;
    const mode = archiver.command === ARCHIVE_COMMAND_OFF ? `off (${archiver.command})` : "pgBackRest → backup-repo";
    const last = archiver.lastArchivedWal ? `last ${archiver.lastArchivedWal} at ${archiver.lastArchivedAt}` : "nothing archived yet";
    lines.push(`ARCHIVING  ${primary.name}: ${mode}; ${last}; ${archiver.failedCount} failed`);
  }
  if (backups.unreachable) return [...lines, "BACKUPS    backup-repo does not answer"];
  const newest = backups.backups?.at(-1);
  const kept = backups.backups?.length ?? 0;
  lines.push(
    `BACKUPS    ${newest ? `newest ${newest.label} (${newest.type}) ended ${newest.stop}; ${kept} kept; restorable from ${backups.earliestRestorable}` : "no backup yet"}` +
      `; next full ${backups.next?.full ?? "-"}${backups.running ? `; running: ${backups.running}` : ""}`,
  );
  return lines;
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join("  "));
}

export function renderStatus(snapshot: StatusSnapshot): string {
  const nodeOf = (part: string) => snapshot.services.find((service) => service.part === part)?.running.map((task) => task.node).join(",") || "-";
  const memberRows = snapshot.members.map((member) =>
    isUp(member)
      ? [
          member.name,
          nodeOf(member.name),
          member.role + (member.role === "primary" && member.leaseValid ? " (lease)" : ""),
          member.phase,
          String(member.term),
          String(member.postgres?.timeline ?? "-"),
          member.postgres?.lsn ?? "-",
          member.role === "standby" ? bytes(member.postgres?.lagBytes) : "-",
          replication(member),
        ]
      : [member.name, nodeOf(member.name), "?", "unreachable", "-", "-", "-", "-", "-"],
  );
  const routerRows = snapshot.routers.map((router) => [
    router.service.slice(snapshot.stack.length + 1),
    router.address,
    router.pools ? Object.entries(router.pools).map(([backend, members]) => `${backend}: ${members.join(", ") || "(none)"}`).join("; ") : "no answer",
  ]);
  const serviceRows = snapshot.services.map((service) => [
    service.part,
    `${service.running.length} running`,
    service.running.map((task) => task.node).join(",") || "-",
    String(service.restarts),
  ]);
  const warnings = statusWarnings(snapshot);
  return [
    `${snapshot.stack} (${snapshot.topology}) at ${snapshot.at}`,
    "",
    ...table([["MEMBER", "NODE", "ROLE", "PHASE", "TERM", "TL", "WAL", "LAG", "REPLICATION"], ...memberRows]),
    "",
    ...table([["ROUTER", "TASK", "ADMITS"], ...(routerRows.length ? routerRows : [["-", "-", "no router task found"]])]),
    "",
    ...table([["SERVICE", "TASKS", "NODES", "RESTARTS"], ...serviceRows]),
    "",
    ...(snapshot.backups ? [...archivingLines(snapshot), ""] : []),
    ...(warnings.length ? warnings.map((warning) => `WARNING: ${warning}`) : ["OK: every member serves, every standby streams, every router admits a primary"]),
    "",
  ].join("\n");
}
