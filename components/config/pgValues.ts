/**
 * The range and unit of common numeric PostgreSQL 17 settings (guc_tables.c),
 * so a value the server would refuse at start-up is refused here instead.
 * PostgreSQL reads `30s`, `'512MB'` or a bare number in the setting's base
 * unit, converts to the base unit, rounds, then checks the range. Pure.
 */
import type { SettingValue } from "./schema";

const INT_MAX = 2147483647;
const MAX_BACKENDS = 262143;

type TimeUnit = "us" | "ms" | "s" | "min" | "h" | "d";
type MemoryUnit = "B" | "kB" | "MB" | "GB" | "TB";
/** A setting's base unit; "8kB" is a block (shared_buffers, effective_cache_size). */
type BaseUnit = "ms" | "s" | "kB" | "MB" | "8kB" | "";

interface NumericSetting {
  unit: BaseUnit;
  min: number;
  max: number;
}

export const NUMERIC_SETTINGS: Record<string, NumericSetting> = {
  // Durations
  statement_timeout: { unit: "ms", min: 0, max: INT_MAX },
  lock_timeout: { unit: "ms", min: 0, max: INT_MAX },
  idle_in_transaction_session_timeout: { unit: "ms", min: 0, max: INT_MAX },
  idle_session_timeout: { unit: "ms", min: 0, max: INT_MAX },
  transaction_timeout: { unit: "ms", min: 0, max: INT_MAX },
  deadlock_timeout: { unit: "ms", min: 1, max: INT_MAX },
  log_min_duration_statement: { unit: "ms", min: -1, max: INT_MAX },
  log_autovacuum_min_duration: { unit: "ms", min: -1, max: INT_MAX },
  checkpoint_timeout: { unit: "s", min: 30, max: 86400 },
  archive_timeout: { unit: "s", min: 0, max: Math.floor(INT_MAX / 2) },
  wal_receiver_timeout: { unit: "ms", min: 0, max: INT_MAX },
  wal_sender_timeout: { unit: "ms", min: 0, max: INT_MAX },
  wal_retrieve_retry_interval: { unit: "ms", min: 1, max: INT_MAX },
  tcp_keepalives_idle: { unit: "s", min: 0, max: INT_MAX },
  tcp_keepalives_interval: { unit: "s", min: 0, max: INT_MAX },
  tcp_user_timeout: { unit: "ms", min: 0, max: INT_MAX },
  autovacuum_naptime: { unit: "s", min: 1, max: Math.floor(INT_MAX / 1000) },
  // Counts
  tcp_keepalives_count: { unit: "", min: 0, max: INT_MAX },
  max_connections: { unit: "", min: 1, max: MAX_BACKENDS },
  max_wal_senders: { unit: "", min: 0, max: MAX_BACKENDS },
  max_replication_slots: { unit: "", min: 0, max: MAX_BACKENDS },
  max_worker_processes: { unit: "", min: 0, max: MAX_BACKENDS },
  // Memory
  shared_buffers: { unit: "8kB", min: 16, max: Math.floor(INT_MAX / 2) },
  effective_cache_size: { unit: "8kB", min: 1, max: INT_MAX },
  work_mem: { unit: "kB", min: 64, max: INT_MAX },
  maintenance_work_mem: { unit: "kB", min: 1024, max: INT_MAX },
  temp_file_limit: { unit: "kB", min: -1, max: INT_MAX },
  max_wal_size: { unit: "MB", min: 2, max: INT_MAX },
  min_wal_size: { unit: "MB", min: 2, max: INT_MAX },
  wal_keep_size: { unit: "MB", min: 0, max: INT_MAX },
  max_slot_wal_keep_size: { unit: "MB", min: -1, max: INT_MAX },
};

const TIME_MS: Record<TimeUnit, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };
const MEMORY_KB: Record<MemoryUnit, number> = { B: 1 / 1024, kB: 1, MB: 1024, GB: 1024 ** 2, TB: 1024 ** 3 };
const BASE_IN_MS: Partial<Record<BaseUnit, number>> = { ms: 1, s: 1000 };
const BASE_IN_KB: Partial<Record<BaseUnit, number>> = { kB: 1, MB: 1024, "8kB": 8 };

function unitsFor(base: BaseUnit): string {
  if (base in BASE_IN_MS) return "us, ms, s, min, h or d";
  if (base in BASE_IN_KB) return "B, kB, MB, GB or TB";
  return "no unit";
}

/** The value in the setting's base unit as PostgreSQL computes it, or a message. */
function inBaseUnit(text: string, base: BaseUnit): number | string {
  if (/^\s*0x[0-9a-f]+\s*$/i.test(text)) return Number(text.trim());
  const match = /^\s*(-?(?:\d+(?:\.\d*)?|\.\d+))\s*([A-Za-z]*)\s*$/.exec(text);
  if (!match) return `expected a number${base ? ` with an optional unit (${unitsFor(base)})` : ""}`;
  const [, amount, unit] = match;
  const number = Number(amount);
  if (!unit) return Math.round(number);
  if (base in BASE_IN_MS && unit in TIME_MS) return Math.round((number * TIME_MS[unit as TimeUnit]) / BASE_IN_MS[base]!);
  if (base in BASE_IN_KB && unit in MEMORY_KB) return Math.round((number * MEMORY_KB[unit as MemoryUnit]) / BASE_IN_KB[base]!);
  return `expected a unit PostgreSQL knows for this setting (${unitsFor(base)}; case matters)`;
}

/** A value in its base unit as the operator writes it (blocks are shown in kB). */
function describeBase(value: number, base: BaseUnit): string {
  return base === "8kB" ? `${value * 8}kB` : `${value}${base}`;
}

/** A known numeric setting's value in bytes (memory settings), or undefined. */
export function settingBytes(name: string, value: SettingValue): number | undefined {
  const setting = NUMERIC_SETTINGS[name];
  if (!setting || typeof value === "boolean" || !(setting.unit in BASE_IN_KB)) return undefined;
  const amount = typeof value === "number" ? value : inBaseUnit(value, setting.unit);
  return typeof amount === "number" ? amount * BASE_IN_KB[setting.unit]! * 1024 : undefined;
}

/** What PostgreSQL would refuse in this value of a known numeric setting, or undefined. */
export function numericSettingProblem(name: string, value: SettingValue): string | undefined {
  const setting = NUMERIC_SETTINGS[name];
  if (!setting) return undefined;
  if (typeof value === "boolean") return `expected a number${setting.unit ? " with an optional unit" : ""}, not on/off`;
  const amount = typeof value === "number" ? Math.round(value) : inBaseUnit(value, setting.unit);
  if (typeof amount === "string") return amount;
  if (amount < setting.min || amount > setting.max) {
    return `expected from ${describeBase(setting.min, setting.unit)} to ${describeBase(setting.max, setting.unit)} (PostgreSQL's range for ${name})`;
  }
  return undefined;
}

/** Damerau-Levenshtein distance, for "did you mean" on a misspelt name. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The closest of `known` to `name` when it is a likely slip (one edit for short names, two for longer), else undefined. */
export function nearest(name: string, known: Iterable<string>): string | undefined {
  const allowance = name.length >= 8 ? 2 : 1;
  let best: string | undefined;
  let bestDistance = allowance + 1;
  for (const candidate of known) {
    if (candidate === name) return undefined;
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}
