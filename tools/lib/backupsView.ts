/**
 * How `npm run backups` prints the repository's status: the backups with their
 * WAL range, the archive, the earliest restorable time, the schedule, the
 * dumps and the login keeper. Pure, so it is tested directly.
 */

const megabytes = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MB`;

export function backupsLines(stack: string, status: any): string[] {
  if (!status || status.unreachable) return [`backups ${stack}: the backup repository did not answer${status?.reason ? ` (${status.reason})` : ""}`];
  const lines = [`backups ${stack}: repository backup-repo, stanza ${status.stanza?.ok ? "ok" : `not ready (${status.stanza?.message})`}`];
  const backups: any[] = status.backups ?? [];
  if (backups.length === 0) lines.push("  no backup yet");
  for (const backup of backups) {
    lines.push(
      `  ${backup.label}  ${backup.type.padEnd(4)}  ${backup.start} → ${backup.stop}  ${megabytes(backup.sizeBytes)} (stored ${megabytes(backup.repositoryBytes)})  WAL ${backup.wal.start}…${backup.wal.stop}`,
    );
  }
  lines.push(`  WAL archive: ${status.archive ? `${status.archive.min} … ${status.archive.max}` : "empty"}`);
  lines.push(`  earliest restorable time: ${status.earliestRestorable ?? "none (no backup yet)"}; latest: the end of the archive`);
  const schedule = status.schedule ?? {};
  lines.push(`  schedule (UTC): full "${schedule.full}", diff "${schedule.diff ?? "off"}", dumps "${schedule.dumps}" (newest ${schedule.dumpsKept} kept)`);
  const next = status.next ?? {};
  lines.push(`  next: full ${next.full ?? "-"}, diff ${next.diff ?? "-"}, dump ${next.dump ?? "-"}`);
  for (const [kind, result] of Object.entries<any>(status.last ?? {})) {
    lines.push(`  last ${kind}: ${result.ok ? "ok" : `FAILED (${result.error})`} at ${result.startedAt} in ${(result.ms / 1000).toFixed(1)} s${result.made ? ` → ${result.made}` : ""}`);
  }
  const dumps: any[] = status.dumps ?? [];
  lines.push(`  dumps: ${dumps.length === 0 ? "none" : dumps.map((dump) => `${dump.file} (${megabytes(dump.bytes)})`).join(", ")}`);
  if (!status.walArchiving) lines.push("  WARNING: database.walArchiving is off: no backup is taken and no time can be restored");
  if (status.logins) lines.push(`  ${loginsLine(status.logins)}`);
  if (status.running) lines.push(`  running now: ${status.running}`);
  return lines;
}

/** The login keeper's last pass: whether the applications' passwords are those of the secrets mounted now. */
export function loginsLine(logins: { inForce?: boolean; primary?: string; missing?: string[]; problem?: string; checkedAt?: string }): string {
  if (logins.inForce) return `login passwords: in force on ${logins.primary} (checked ${logins.checkedAt})`;
  const why = logins.problem ?? (logins.missing?.length ? `roles not created yet: ${logins.missing.join(", ")}` : "unknown");
  return `login passwords: NOT in force (${why}${logins.checkedAt ? `, checked ${logins.checkedAt}` : ""})`;
}
