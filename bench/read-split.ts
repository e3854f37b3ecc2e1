/**
 * npm run bench:read-split -- [--rounds N] [--seconds S] [--scale K] [--json] [--keep]
 *
 * pgbench from one client container on a read-split stack's DB network, in one
 * run, over several rounds: directly against the primary; through each task of
 * db-rw and db-ro, by its address; through the control beside each (a bare
 * HAProxy, TCP, no checks, on the router task's node: the write control to the
 * primary, the read control over the standbys); and through libpq's multi-host
 * form as applications receive it (no hop). A router task and its control run
 * back to back in each round, and each ratio is the median of those pairs'
 * ratios over rounds and nodes. Workloads:
 * select-only at 8 clients (throughput), select-only at 1 client (latency), and
 * 9 select-only to 1 TPC-B-like at 8 clients on the write paths (mixed). Also
 * the routers' CPU at rest and each standby's share of the reads db-ro served.
 * Prints JSON, then one summary line. Needs `npm run testbed:up`.
 */
import { multiHostUrl } from "../components/app/dbEnv";
import { loadFromEngine, type StackConfig } from "../components/config";
import { activeLogin, LOGINS } from "../components/config/loginSlots";
import { ENDPOINTS, POSTGRES_PORT } from "../components/contract";
import { networkName, serviceName } from "../components/names";
import { healEverything, memberLogs, members, psql, waitFullRedundancy, type Member } from "../tests/harness/cluster";
import { deploy, destroy } from "../tests/harness/deploy";
import { execIn, runningTasks, waitConverged, type RunningTask } from "../tests/harness/swarm";
import { dockerOn, requireTestbed } from "../tests/harness/testbed";
import { DEMO_PORT, replicatedStack } from "../tests/e2e/stacks";
import { StallWatch } from "./lib/stallWatch";
import { CLIENT_PGPASS, CONTROL_PORTS, pgpassScript, removeBenchServices, startClient, startControls, taskAddress } from "./lib/benchServices";
import {
  median,
  onNode,
  parsePgbenchOutput,
  parseTransactionLog,
  pathFigures,
  pgbenchCommand,
  phaseGroups,
  readSplitRatios,
  roundOrder,
  shares,
  summaryLine,
  type PathFigures,
  type PgbenchResult,
  type RoundFigures,
  type RouterNodes,
  type Workload,
} from "./lib/pgbench";

const STACK = "benchrs";
const DATA = ["pgnode1", "pgnode2", "pgnode3"];
/**
 * The failover timeout is 30 s here, not the default 3 s: this bench measures what routing costs, and on
 * the 2-core testbed, pgbench at 8 clients made the whole machine stall (StallWatch: a 0.1 s sleep of a
 * process outside the swarm took 2.3 s, 5.2 s, once 9.4 s). The primary's lease lapsed, and it fenced itself:
 * in three runs on 2026-11-27 with the 3 s default (a 2.25 s lease), and once with 10 s (a 7.5 s lease).
 * The routers' checks are the same (every 500 ms); their grace for an unanswered check is 2 s instead of
 * 1.5 s.
 */
const FAILOVER_TIMEOUT = "30s";
const STACK_CONFIG = replicatedStack({ topology: "read-split", appPort: DEMO_PORT + 4, failoverTimeout: FAILOVER_TIMEOUT });
/** A run that a stall of the machine disturbed is run again, at most this many times in all. */
const RUN_ATTEMPTS = 3;
/** A stall this long during a run disturbs it. */
const RERUN_STALL_MS = 1000;
const LOG_PREFIX = "/tmp/pgswarm-bench-txn";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const progress = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);

function option(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} wants a positive number, got "${args[at + 1]}"`);
  return value;
}

/** A router task and the control task beside it, by their addresses on the DB network. */
interface Hop {
  node: string;
  router: string;
  control: string;
}

/** Connection strings for each path, as the client container reaches them. */
function pathTargets(config: StackConfig, primary: string, hops: Record<keyof RouterNodes, Hop[]>): Record<string, string> {
  const { name: database } = config.database;
  // The roles applications log in through now (the rotation slot in force).
  const user = activeLogin(config.database, "app").role;
  const reader = activeLogin(config.database, "reader").role;
  const conninfo = (host: string, port: number, role: string) => `host=${host} port=${port} user=${role} dbname=${database} connect_timeout=5`;
  const endpoints = { rw: ENDPOINTS.rw, ro: ENDPOINTS.ro, port: POSTGRES_PORT, database, user, readUser: reader, members: DATA };
  return {
    direct: conninfo(primary, POSTGRES_PORT, user),
    ...Object.fromEntries(
      hops.rw.flatMap((hop) => [
        [onNode("control", hop.node), conninfo(hop.control, CONTROL_PORTS.rw, user)],
        [onNode("db-rw", hop.node), conninfo(hop.router, POSTGRES_PORT, user)],
      ]),
    ),
    ...Object.fromEntries(
      hops.ro.flatMap((hop) => [
        [onNode("control-ro", hop.node), conninfo(hop.control, CONTROL_PORTS.ro, reader)],
        [onNode("db-ro", hop.node), conninfo(hop.router, POSTGRES_PORT, reader)],
      ]),
    ),
    multihost: multiHostUrl(endpoints, user, "read-write"),
    "multihost-ro": multiHostUrl(endpoints, reader, "prefer-standby"),
  };
}

/** Each router's tasks, with the control beside each, by address: a run goes through exactly one hop. */
async function routerHops(stack: string, controls: Record<keyof RouterNodes, RunningTask[]>): Promise<Record<keyof RouterNodes, Hop[]>> {
  const network = networkName(stack, "db");
  const hops = async (mode: keyof RouterNodes) =>
    Promise.all(
      (await runningTasks(serviceName(stack, ENDPOINTS[mode]))).map(async (task) => {
        const control = controls[mode].find((candidate) => candidate.node === task.node);
        if (!control) throw new Error(`no control beside ${ENDPOINTS[mode]} on ${task.node}`);
        return { node: task.node, router: await taskAddress(task.taskId, network), control: await taskAddress(control.taskId, network) };
      }),
    );
  return { rw: await hops("rw"), ro: await hops("ro") };
}

async function inClient(client: RunningTask, script: string, timeoutMs: number): Promise<string> {
  return execIn(client.node, client.containerId, ["bash", "-c", `export PGPASSFILE=${CLIENT_PGPASS}; ${script}`], timeoutMs);
}

async function runPgbench(client: RunningTask, target: string, workload: Workload, clients: number, seconds: number): Promise<{ result: PgbenchResult; latencies: number[] }> {
  const command = pgbenchCommand({ target, workload, clients, seconds, logPrefix: LOG_PREFIX, samplingRate: 0.1 });
  const output = await inClient(client, `rm -f ${LOG_PREFIX}*; ${command} 2>&1`, (seconds + 60) * 1000);
  const log = await inClient(client, `cat ${LOG_PREFIX}* 2>/dev/null; rm -f ${LOG_PREFIX}*`, 60_000);
  return { result: parsePgbenchOutput(output), latencies: parseTransactionLog(log) };
}

/** Transactions each member has committed in the application database (its own counter: a standby counts its reads). */
async function commitsPerMember(all: Member[], database: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const member of all) {
    counts[member.name] = Number(await psql(member, `SELECT xact_commit FROM pg_stat_database WHERE datname = '${database}'`));
  }
  return counts;
}

/** Percent of one core each task used over `seconds` with no load. */
async function cpuAtRest(tasks: RunningTask[], seconds: number): Promise<number[]> {
  const sample = async (task: RunningTask) => {
    const stats: any = await dockerOn(task.node).getContainer(task.containerId).stats({ stream: false });
    return { usage: Number(stats.cpu_stats.cpu_usage.total_usage), at: Date.parse(stats.read) };
  };
  const before = await Promise.all(tasks.map(sample));
  await sleep(seconds * 1000);
  const after = await Promise.all(tasks.map(sample));
  return tasks.map((_, index) => Math.round(((after[index].usage - before[index].usage) / ((after[index].at - before[index].at) * 1e6)) * 10000) / 100);
}

const WORKLOADS = {
  selectOnly8: { workload: "select-only", clients: 8 },
  selectOnly1: { workload: "select-only", clients: 1 },
  mixed8: { workload: "mixed", clients: 8 },
} as const satisfies Record<string, { workload: Workload; clients: number }>;

async function waitStandbysReplayed(primary: Member, standbys: number): Promise<void> {
  for (let attempt = 0; attempt < 120; attempt++) {
    const caughtUp = Number(await psql(primary, "SELECT count(*) FROM pg_stat_replication WHERE replay_lsn = pg_current_wal_lsn()"));
    if (caughtUp >= standbys) return;
    await sleep(500);
  }
  throw new Error("the standbys did not replay pgbench's tables within 60 s");
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const rounds = option(args, "--rounds", 3);
  const seconds = option(args, "--seconds", 10);
  const scale = option(args, "--scale", 5);
  const config = loadFromEngine(Object.fromEntries(Object.entries(STACK_CONFIG).map(([key, value]) => [key, JSON.stringify(value)])), STACK);
  await requireTestbed();

  progress(`deploying ${STACK} (read-split, 3 data members)`);
  await healEverything();
  await removeBenchServices();
  await destroy(STACK, { volumes: true });
  await deploy(STACK, STACK_CONFIG);
  await waitConverged(STACK);
  const primaryMember = await waitFullRedundancy(STACK, DATA, undefined, 240_000);
  const all = await members(STACK, DATA);
  const standbys = all.filter((member) => member.name !== primaryMember.name);
  progress(`primary ${primaryMember.name}, standbys ${standbys.map((member) => member.name).join(", ")}`);

  try {
    const logins = LOGINS.map((login) => activeLogin(config.database, login));
    const client = await startClient(STACK, logins.map((login) => login.credential));
    await inClient(client, pgpassScript(logins.map((login) => ({ user: login.role, credential: login.credential }))), 10_000);
    const controls = await startControls(STACK, primaryMember.name, standbys.map((member) => member.name));
    const hops = await routerHops(STACK, controls);
    const routerNodes: RouterNodes = { rw: hops.rw.map((hop) => hop.node), ro: hops.ro.map((hop) => hop.node) };
    progress(`router tasks, each with a control beside it: db-rw on ${routerNodes.rw.join(", ")}; db-ro on ${routerNodes.ro.join(", ")}`);
    const targets = pathTargets(config, primaryMember.name, hops);
    const groups = phaseGroups(routerNodes);

    const stalls = new StallWatch();
    progress(`pgbench -i -s ${scale}`);
    await inClient(client, `pgbench -i -q -s ${scale} '${targets.direct}' 2>&1`, 600_000);
    await waitStandbysReplayed(primaryMember, standbys.length);

    progress("routers' CPU at rest (10 s)");
    const routerTasks = await Promise.all([serviceName(STACK, ENDPOINTS.rw), serviceName(STACK, ENDPOINTS.ro)].map((service) => runningTasks(service)));
    const [rw, ro, control] = await Promise.all([...routerTasks, [...controls.rw, ...controls.ro]].map((tasks) => cpuAtRest(tasks, 10)));
    const routerCpuAtRestPercent = { "db-rw": rw, "db-ro": ro, control };

    // A run is run again (at most RUN_ATTEMPTS in all, each listed here) when the machine stalled for a second
    // or more during it: on this testbed a stall freezes the client, the routers and the members alike for
    // seconds, and a 10 s run with one in it measures the stall, not the path. Also when pgbench's clients
    // were aborted (a member's sessions cut during a stall); the primary must then still be the same member,
    // or the paths would no longer compare. A run still stalled at the last attempt is kept, and listed.
    const disturbedRuns: Array<{ phase: string; round: number; path: string; reason: string; kept?: boolean }> = [];
    const runUndisturbed = async <T>(run: { phase: string; round: number; path: string }, attempt: () => Promise<T>): Promise<T> => {
      for (let tried = 1; ; tried++) {
        const startedAt = Date.now();
        let result: T;
        try {
          result = await attempt();
        } catch (error) {
          const message = (error as Error).message;
          const reason = /pgbench: error: [^\n]*/.exec(message)?.[0] ?? message.split("\n")[0];
          if (tried >= RUN_ATTEMPTS || !/aborted/.test(message)) throw error;
          disturbedRuns.push({ ...run, reason });
          progress(`${run.phase} round ${run.round} ${run.path} broke (${reason}): running it again`);
          const primaryNow = await waitFullRedundancy(STACK, DATA, undefined, 120_000);
          if (primaryNow.name !== primaryMember.name) throw new Error(`the primary moved from ${primaryMember.name} to ${primaryNow.name} during the bench: its paths no longer compare`);
          continue;
        }
        const stalledMs = await stalls.longestBetween(startedAt, Date.now());
        if (stalledMs < RERUN_STALL_MS) return result;
        const kept = tried >= RUN_ATTEMPTS;
        disturbedRuns.push({ ...run, reason: `the machine stalled ${stalledMs} ms`, ...(kept ? { kept } : {}) });
        progress(`${run.phase} round ${run.round} ${run.path}: the machine stalled ${stalledMs} ms during it${kept ? "; kept (last attempt)" : ": running it again"}`);
        if (kept) return result;
      }
    };
    const figures: Record<string, Record<string, PathFigures>> = {};
    const perRound: Record<string, Record<string, RoundFigures[]>> = {};
    const readCounts: Record<string, number> = Object.fromEntries(all.map((member) => [member.name, 0]));
    for (const [phaseName, phase] of Object.entries(WORKLOADS) as Array<[keyof typeof WORKLOADS, (typeof WORKLOADS)[keyof typeof WORKLOADS]]>) {
      const results: Record<string, PgbenchResult[]> = {};
      const latencies: Record<string, number[]> = {};
      const rounded: Record<string, RoundFigures[]> = (perRound[phaseName] = {});
      for (let round = 0; round < rounds; round++) {
        for (const path of roundOrder(groups[phaseName], round)) {
          // The spread is the 8-client phase's: at 1 client the one session sits on one replica for the whole run.
          const countsReads = path.startsWith(onNode("db-ro", "")) && phaseName === "selectOnly8";
          // Counted around each attempt, so that only the reads of the attempt that is kept count.
          const { result, latencies: sample, reads } = await runUndisturbed({ phase: phaseName, round: round + 1, path }, async () => {
            const before = countsReads ? await commitsPerMember(all, config.database.name) : undefined;
            const ran = await runPgbench(client, targets[path], phase.workload, phase.clients, seconds);
            if (!before) return { ...ran, reads: undefined };
            await sleep(1500); // a session's statistics reach the shared counters when it ends
            const after = await commitsPerMember(all, config.database.name);
            return { ...ran, reads: Object.fromEntries(all.map((member) => [member.name, after[member.name] - before[member.name]])) };
          });
          if (reads) for (const member of all) readCounts[member.name] += reads[member.name];
          (results[path] ??= []).push(result);
          (latencies[path] ??= []).push(...sample);
          (rounded[path] ??= []).push({ tps: Math.round(result.tps), latencyMedianUs: median(sample) });
          progress(`${phaseName} round ${round + 1} ${path}: ${result.tps.toFixed(0)} tps, ${result.latencyAverageMs} ms average`);
        }
      }
      figures[phaseName] = Object.fromEntries(groups[phaseName].flat().map((path) => [path, pathFigures(results[path], latencies[path])]));
    }

    const readShares = shares(readCounts);
    const fairShare = 1 / standbys.length;
    const ratios = readSplitRatios(perRound.selectOnly8, perRound.selectOnly1, routerNodes);
    const acceptance = {
      dbRoAtLeast095Control: ratios.dbRoOverControl >= 0.95,
      dbRwAtLeast095Control: ratios.dbRwOverControl >= 0.95,
      multihostAtLeast095Direct: ratios.multihostOverDirect >= 0.95,
      dbRwAddedLatencyAtMost12Control: ratios.dbRwAddedLatencyOverControl <= 1.2,
      everyReplicaAtLeastHalfItsShare: standbys.every((member) => readShares[member.name] >= fairShare / 2),
    };
    const report = {
      bench: "read-split",
      rounds,
      secondsPerRun: seconds,
      scale,
      primary: primaryMember.name,
      standbys: standbys.map((member) => member.name),
      routerNodes,
      targets,
      failoverTimeout: FAILOVER_TIMEOUT,
      routerCpuAtRestPercent,
      disturbedRuns,
      machineStalls: await stalls.stop(),
      ...figures,
      // Each path's tps and median latency per round, in round order: what the ratios pair.
      perRound,
      // Of the select-only runs through db-ro at 8 clients.
      readShares,
      ratios,
      acceptance,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    const cpu = (values: number[]) => values.map((value) => value.toFixed(2)).join("/");
    const spread = standbys.map((member) => `${member.name} ${(readShares[member.name] * 100).toFixed(0)}%`).join(", ");
    process.stdout.write(
      `${summaryLine(ratios, `db-ro reads at 8 clients: ${spread}; routers at rest: db-rw ${cpu(rw)} %, db-ro ${cpu(ro)} %, control ${cpu(control)} % of a core; ${rounds} rounds × ${seconds} s; ${disturbedRuns.filter((run) => !run.kept).length} runs disturbed and run again, ${disturbedRuns.filter((run) => run.kept).length} kept; longest machine stall ${report.machineStalls.longestMs} ms`)}\n`,
    );
  } catch (error) {
    // The stack is removed next: what the members logged is the only account of a run that broke.
    for (const member of DATA) {
      const lines = await memberLogs(STACK, member).catch((failure: Error) => `(no logs: ${failure.message})`);
      progress(`-- ${member}, last lines\n${lines.split("\n").slice(-40).join("\n")}`);
    }
    throw error;
  } finally {
    await removeBenchServices();
    if (!args.includes("--keep")) await destroy(STACK, { volumes: true });
  }
}

main().catch(async (error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  await removeBenchServices().catch(() => undefined);
  process.exit(1);
});
