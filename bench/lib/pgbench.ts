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

/** One path's figures in one round: what the ratios pair. */
export interface RoundFigures {
  tps: number;
  /** The median of the round's sampled transaction latencies (µs). */
  latencyMedianUs: number;
}

/** A path through the router (or control) task on one node: `db-ro@pgw1`. */
export const onNode = (path: string, node: string) => `${path}@${node}`;

/** The nodes where each router runs a task (each with a control beside it). */
export interface RouterNodes {
  rw: string[];
  ro: string[];
}

/** The median of the finite values; NaN with none. */
export function medianRatio(values: number[]): number {
  return median(values.filter(Number.isFinite));
}

/**
 * The ratios the acceptance names, from select-only at 8 clients (throughput)
 * and at 1 client (median latency). Each router task is compared with the
 * control task on its own node, and only within a round, where the two ran back
 * to back; a ratio is the median over rounds and nodes. Both choices take out
 * what is not our design: a hop's cost on the testbed depends on the node it
 * runs on (between nodes it crosses the overlay; DNS round robin over the tasks
 * made one run's 8 sessions all local and the next's all remote), and the
 * machine's speed drifts during a run (direct went from 18k to 34k tps in one).
 * db-ro is compared with the control's read frontend (the same standbys), db-rw
 * and the control with the control's write frontend (the primary), multihost
 * (read-write, no hop) with direct.
 */
export function readSplitRatios(eight: Record<string, RoundFigures[]>, one: Record<string, RoundFigures[]>, nodes: RouterNodes): ReadSplitRatios {
  const rounds = Math.max(0, ...[...Object.values(eight), ...Object.values(one)].map((runs) => runs.length));
  const tps = (path: string, round: number) => eight[path]?.[round]?.tps ?? Number.NaN;
  const latency = (path: string, round: number) => one[path]?.[round]?.latencyMedianUs ?? Number.NaN;
  const each = (nodeList: string[], value: (round: number, node: string) => number) =>
    medianRatio(Array.from({ length: rounds }, (_, round) => nodeList.map((node) => value(round, node))).flat());
  const added = (path: string, round: number) => latency(path, round) - latency("direct", round);
  return {
    controlOverDirect: each(nodes.rw, (round, node) => ratio(tps(onNode("control", node), round), tps("direct", round))),
    dbRoOverControl: each(nodes.ro, (round, node) => ratio(tps(onNode("db-ro", node), round), tps(onNode("control-ro", node), round))),
    dbRwOverControl: each(nodes.rw, (round, node) => ratio(tps(onNode("db-rw", node), round), tps(onNode("control", node), round))),
    multihostOverDirect: each([""], (round) => ratio(tps("multihost", round), tps("direct", round))),
    dbRwAddedLatencyOverControl: each(nodes.rw, (round, node) => ratio(added(onNode("db-rw", node), round), added(onNode("control", node), round))),
  };
}

/** The paths of each phase, grouped so that each router task runs right after (or before) the control beside it. */
export function phaseGroups(nodes: RouterNodes): Record<"selectOnly8" | "selectOnly1" | "mixed8", string[][]> {
  const rw = nodes.rw.map((node) => [onNode("control", node), onNode("db-rw", node)]);
  const ro = nodes.ro.map((node) => [onNode("control-ro", node), onNode("db-ro", node)]);
  return {
    selectOnly8: [["direct", "multihost"], ...rw, ...ro, ["multihost-ro"]],
    selectOnly1: [["direct"], ...rw, ...ro],
    mixed8: [["direct", "multihost"], ...rw],
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

/**
 * The paths of one round: each group's paths back to back (the ones a ratio compares), the groups
 * rotated and the order inside each group rotated too, so no path always runs first.
 */
export function roundOrder(groups: string[][], round: number): string[] {
  return rotate(groups, round).flatMap((group) => rotate(group, round));
}

/** The median of a sample; NaN when it is empty (a run that sampled no transaction). */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
