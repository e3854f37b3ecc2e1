/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week, UTC),
 * the schedule language operators already write backups in. Swarm has no cron,
 * so the backup repository's agent runs its own clock on these. Shared by the
 * stack's validation and the image: one parser, one meaning.
 *
 * Supported per field: `*`, numbers, ranges `a-b`, steps `*\/n` and `a-b/n`, and
 * comma lists of those. Day of week 0–7 (0 and 7 are Sunday). As in Vixie cron,
 * when both day fields are restricted a day matching either one runs.
 */

const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12 },
  { name: "day of week", min: 0, max: 7 },
] as const;

export interface CronSchedule {
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  /** Whether each day field was `*` (Vixie cron's either-day rule needs it). */
  anyDay: boolean;
  anyWeekday: boolean;
}

export class CronError extends Error {}

function parseField(text: string, field: (typeof FIELDS)[number]): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(",")) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) throw new CronError(`${field.name} "${part}" is not a number, a range a-b, * or a step such as */15`);
    const [, whole, from, to, step] = match;
    const low = whole === "*" ? field.min : Number(from);
    const high = whole === "*" ? field.max : to !== undefined ? Number(to) : step !== undefined ? field.max : low;
    const by = step !== undefined ? Number(step) : 1;
    if (low < field.min || high > field.max || low > high) {
      throw new CronError(`${field.name} "${part}" is outside ${field.min}-${field.max}`);
    }
    if (by < 1) throw new CronError(`${field.name} "${part}" has a step of 0`);
    for (let value = low; value <= high; value += by) values.add(value);
  }
  return values;
}

export function parseCron(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) {
    throw new CronError(`expected 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`);
  }
  const [minutes, hours, days, months, weekdays] = parts.map((part, index) => parseField(part, FIELDS[index]));
  if (weekdays.has(7)) weekdays.add(0);
  return { minutes, hours, days, months, weekdays, anyDay: parts[2] === "*", anyWeekday: parts[4] === "*" };
}

/** The problem with an expression, or undefined when it is a valid schedule. */
export function cronProblem(expression: string): string | undefined {
  try {
    const schedule = parseCron(expression);
    return nextRun(schedule, new Date(Date.UTC(2000, 0, 1))) ? undefined : "expected a schedule that ever runs (no such date)";
  } catch (error) {
    if (error instanceof CronError) return `expected a cron expression such as "0 3 * * 0": ${error.message}`;
    throw error;
  }
}

function dayMatches(schedule: CronSchedule, date: Date): boolean {
  const day = schedule.days.has(date.getUTCDate());
  const weekday = schedule.weekdays.has(date.getUTCDay());
  if (schedule.anyDay && schedule.anyWeekday) return true;
  if (schedule.anyDay) return weekday;
  if (schedule.anyWeekday) return day;
  return day || weekday;
}

/** The first minute strictly after `after` that the schedule runs at (UTC), or undefined within 5 years. */
export function nextRun(schedule: CronSchedule, after: Date): Date | undefined {
  const at = new Date(after.getTime());
  at.setUTCSeconds(0, 0);
  at.setUTCMinutes(at.getUTCMinutes() + 1);
  const limit = after.getTime() + 5 * 366 * 24 * 3600_000;
  while (at.getTime() <= limit) {
    if (!schedule.months.has(at.getUTCMonth() + 1)) {
      at.setUTCMonth(at.getUTCMonth() + 1, 1);
      at.setUTCHours(0, 0);
    } else if (!dayMatches(schedule, at)) {
      at.setUTCDate(at.getUTCDate() + 1);
      at.setUTCHours(0, 0);
    } else if (!schedule.hours.has(at.getUTCHours())) {
      at.setUTCHours(at.getUTCHours() + 1, 0);
    } else if (!schedule.minutes.has(at.getUTCMinutes())) {
      at.setUTCMinutes(at.getUTCMinutes() + 1);
    } else {
      return at;
    }
  }
  return undefined;
}
