/**
 * The backup repository's Prometheus metrics (GET /metrics on the agent port),
 * what the PgswarmBackupTooOld alert reads. The stack comes from the scrape's
 * DNS name (tasks.<stack>_backup-repo), as for the other pgswarm jobs.
 */
import type { BackupInfo, JobKind, JobResult } from "./repository";

export interface MetricsInput {
  backups: BackupInfo[];
  last: Partial<Record<JobKind, JobResult>>;
  stanzaOk: boolean;
}

export function renderMetrics({ backups, last, stanzaOk }: MetricsInput): string {
  const lines = [
    "# HELP pgswarm_backup_last_success_timestamp_seconds When the newest backup of each type in the repository ended.",
    "# TYPE pgswarm_backup_last_success_timestamp_seconds gauge",
  ];
  const newest = new Map<string, number>();
  for (const backup of backups) newest.set(backup.type, Math.max(newest.get(backup.type) ?? 0, Date.parse(backup.stop) / 1000));
  for (const [type, seconds] of [...newest].sort()) lines.push(`pgswarm_backup_last_success_timestamp_seconds{type="${type}"} ${seconds}`);
  lines.push(
    "# HELP pgswarm_backup_count Backups the repository holds (retention expires the oldest).",
    "# TYPE pgswarm_backup_count gauge",
    `pgswarm_backup_count ${backups.length}`,
    "# HELP pgswarm_backup_job_failed Whether the last job of each kind failed (1) or succeeded (0).",
    "# TYPE pgswarm_backup_job_failed gauge",
    ...Object.entries(last)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, result]) => `pgswarm_backup_job_failed{kind="${kind}"} ${result!.ok ? 0 : 1}`),
    "# HELP pgswarm_backup_stanza_ready Whether the repository's stanza exists (archiving can succeed).",
    "# TYPE pgswarm_backup_stanza_ready gauge",
    `pgswarm_backup_stanza_ready ${stanzaOk ? 1 : 0}`,
  );
  return `${lines.join("\n")}\n`;
}
