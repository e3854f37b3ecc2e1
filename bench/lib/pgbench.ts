/**
 * pgbench, as the read-split bench runs it: the command for one run, what its
 * output and its per-transaction log say, and the figures the runs add up to.
 * Pure functions; the bench runs the command in its client container.
 */
import { distribution, type Distribution } from "../stats";

/** The workloads: select-only, and a mix of nine select-only transactions to one TPC-B-like. */
export type Workload = "select-only" | "mixed";

export interface PgbenchRun {
  /** A libpq connection string or URL: where the run connects. */
  target: string;
  workload: Workload;
  clients: number;
  seconds: number;
  /** Where the per-transaction log goes (a sample of it: latency percentiles). */
  logPrefix: string;
  samplingRate: number;
}

/** A shell-safe single-quoted word. */
export const shellWord = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

export function pgbenchCommand(run: PgbenchRun): string {
  const scripts = run.workload === "select-only" ? ["-S"] : ["-b", "select-only@9", "-b", "tpcb-like@1"];
  return [
    "pgbench",
    "-n", // no vacuum first: the read-only role may not, and every path must run the same thing
    ...scripts,
    "-c", String(run.clients),
    "-j", String(Math.min(2, run.clients)),
    "-T", String(run.seconds),
    "-l", `--sampling-rate=${run.samplingRate}`, `--log-prefix=${run.logPrefix}`,
    shellWord(run.target),
  ].join(" ");
}

export interface PgbenchResult {
  tps: number;
  latencyAverageMs: number;
  failed: number;
}

/** The summary pgbench prints at the end of a run. */
export function parsePgbenchOutput(output: string): PgbenchResult {
  const number = (pattern: RegExp, what: string) => {
    const match = output.match(pattern);
    if (!match) throw new Error(`pgbench printed no ${what}:\n${output}`);
    return Number(match[1]);
  };
  return {
    tps: number(/^tps = ([\d.]+) \(without initial connection time\)/m, "tps"),
    latencyAverageMs: number(/^latency average = ([\d.]+) ms/m, "latency average"),
    failed: Number(output.match(/^number of failed transactions: (\d+)/m)?.[1] ?? 0),
  };
}

/** Latencies (µs) from pgbench's per-transaction log: `client txn latency_us script epoch us` per line. */
export function parseTransactionLog(log: string): number[] {
  return log
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length >= 6 && /^\d+$/.test(fields[2]))
    .map((fields) => Number(fields[2]));
}

export interface PathFigures {
  runs: number;
  /** Transactions per second, one per run. */
  tps: Distribution;
  /** Per-transaction latency in µs over every run's sample (p50 = median). */
  latencyUs: Distribution & { p99: number };
  failed: number;
}

export function pathFigures(results: PgbenchResult[], latenciesUs: number[]): PathFigures {
  const sorted = [...latenciesUs].sort((a, b) => a - b);
  const { samples: _samples, ...latency } = distribution(sorted.length ? sorted : [0]);
  return {
    runs: results.length,
    tps: distribution(results.map((result) => result.tps)),
    latencyUs: { ...latency, samples: [], p99: sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(0.99 * (sorted.length - 1) + 0.5))] : 0 },
    failed: results.reduce((sum, result) => sum + result.failed, 0),
  };
}

/** Each member's share of the transactions counted on the members, from per-member counts. */
export function shares(counts: Record<string, number>): Record<string, number> {
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  return Object.fromEntries(Object.entries(counts).map(([member, count]) => [member, total ? count / total : 0]));
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);
const fixed = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : "n/a");

export interface ReadSplitRatios {
  controlOverDirect: number;
  dbRoOverControl: number;
  dbRwOverControl: number;
  multihostOverDirect: number;
  /** At one client: db-rw's added latency (over direct) divided by the control's. */
  dbRwAddedLatencyOverControl: number;
}

/**
 * The ratios the acceptance names, from median throughput at 8 clients
 * (select-only) and median latency at 1 client. db-ro is compared with the
 * control's read frontend (the same standbys), db-rw and the control with the
 * control's write frontend (the primary), multihost (read-write, no hop) with direct.
 */
export function readSplitRatios(tps: Record<string, PathFigures>, oneClient: Record<string, PathFigures>): ReadSplitRatios {
  const median = (figures: Record<string, PathFigures>, path: string) => figures[path]?.tps.median ?? Number.NaN;
  const latency = (path: string) => oneClient[path]?.latencyUs.median ?? Number.NaN;
  return {
    controlOverDirect: ratio(median(tps, "control"), median(tps, "direct")),
    dbRoOverControl: ratio(median(tps, "db-ro"), median(tps, "control-ro")),
    dbRwOverControl: ratio(median(tps, "db-rw"), median(tps, "control")),
    multihostOverDirect: ratio(median(tps, "multihost"), median(tps, "direct")),
    dbRwAddedLatencyOverControl: ratio(latency("db-rw") - latency("direct"), latency("control") - latency("direct")),
  };
}

export function summaryLine(ratios: ReadSplitRatios, extra: string): string {
  return (
    `read-split: control/direct=${fixed(ratios.controlOverDirect)} db-ro/control=${fixed(ratios.dbRoOverControl)} ` +
    `db-rw/control=${fixed(ratios.dbRwOverControl)} multihost/direct=${fixed(ratios.multihostOverDirect)} ` +
    `| at 1 client db-rw adds ${fixed(ratios.dbRwAddedLatencyOverControl)}x the control's latency | ${extra}`
  );
}

/** The order of the paths in round `round`: rotated each round, so no path always runs first or last. */
export function rotate<T>(items: T[], round: number): T[] {
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
