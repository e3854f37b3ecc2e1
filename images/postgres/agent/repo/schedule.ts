/**
 * Which scheduled job is due: pure, so the schedule is tested without a clock.
 * A job is due when its cron schedule has a run in (since, now]. When a full and
 * a differential backup fall on the same minute, the full one is taken.
 */
import type { BackupSpec } from "../../../../components/contract";
import { nextRun, parseCron } from "../../../../components/cron";

export type BackupType = "full" | "diff" | "incr";
export const BACKUP_TYPES: readonly BackupType[] = ["full", "diff", "incr"];

const dueIn = (expression: string | undefined, since: Date, now: Date): boolean => {
  if (!expression) return false;
  const next = nextRun(parseCron(expression), since);
  return next !== undefined && next.getTime() <= now.getTime();
};

export function dueBackup(schedule: BackupSpec["schedule"], since: Date, now: Date): BackupType | undefined {
  if (dueIn(schedule.full, since, now)) return "full";
  if (dueIn(schedule.diff, since, now)) return "diff";
  return undefined;
}

export const dueDump = (dumps: BackupSpec["dumps"], since: Date, now: Date): boolean => dueIn(dumps.schedule, since, now);

/** The next time each schedule runs, for status. */
export function nextRuns(spec: BackupSpec, now: Date): Record<string, string | undefined> {
  const next = (expression?: string) => (expression ? nextRun(parseCron(expression), now)?.toISOString() : undefined);
  return { full: next(spec.schedule.full), diff: next(spec.schedule.diff), dump: next(spec.dumps.schedule) };
}

/** Dump files to delete: all but the newest `keep` (names sort by their UTC timestamp). */
export function expiredDumps(files: string[], keep: number): string[] {
  const dumps = files.filter((file) => file.endsWith(".dump")).sort();
  return dumps.slice(0, Math.max(0, dumps.length - keep));
}

/** `<database>-<UTC yyyymmddThhmmssZ>.dump`: sortable, and says when. */
export function dumpFileName(database: string, at: Date): string {
  return `${database}-${at.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}.dump`;
}
