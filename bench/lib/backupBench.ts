/** The pure parts of `npm run bench:backup`: reading pgBackRest's log lines and the figures and summary made of them. */
import type { Distribution } from "../stats";

const UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** "37.1MB" (pgBackRest's sizes) in bytes. */
export function parseSize(text: string): number {
  const match = /^([\d.]+)(B|KB|MB|GB|TB)$/.exec(text.trim());
  if (!match) throw new Error(`not a pgBackRest size: ${text}`);
  return Number(match[1]) * UNITS[match[2]];
}

/** What a pgBackRest command logged about itself: its size and how long it took, in ms. */
export function commandFigures(log: string, command: "backup" | "restore"): { bytes: number; ms: number } {
  const size = new RegExp(`${command === "backup" ? "(?:full|diff|incr) backup" : "restore"} size = ([\\d.]+[KMGT]?B)`).exec(log);
  const ended = new RegExp(`${command} command end: completed successfully \\((\\d+)ms\\)`).exec(log);
  if (!size || !ended) throw new Error(`no completed ${command} with its size in the log`);
  return { bytes: parseSize(size[1]), ms: Number(ended[1]) };
}

export const megabytesPerSecond = (bytes: number, ms: number) => bytes / 1024 ** 2 / (ms / 1000);

export function backupSummaryLine(figures: {
  scale: number;
  databaseMB: number;
  backupMBps: Distribution;
  restoreMBps: Distribution;
  archiveLagMs: Distribution;
  archiveTimeout: string;
}): string {
  const fixed = (value: number) => value.toFixed(1);
  return (
    `backup: pgbench scale ${figures.scale} (${fixed(figures.databaseMB)} MB) full backup p50 ${figures.backupMBps.median} MB/s, ` +
    `restore p50 ${figures.restoreMBps.median} MB/s, archive lag p50 ${fixed(figures.archiveLagMs.median / 1000)} s ` +
    `max ${fixed(figures.archiveLagMs.max / 1000)} s (archive_timeout ${figures.archiveTimeout})`
  );
}
