/**
 * npm run bench:failover -- [--runs N] [--scenario a,b] [--modes quorum,off] [--quiet-minutes M] [--json]
 *
 * Runs each fault N times on a replicated stack of three data members on the
 * testbed (the same faults, writer and role sampler as the chaos tests), with
 * synchronous quorum commit and then asynchronous, and prints per scenario:
 * the write outage (the longest time without an acknowledged write, fault →
 * full redundancy: p50, p95, max), the time from the fault to the writer's
 * first acknowledged write, acknowledged commits lost, the time from the heal
 * to the replication whole again (roles, streaming, quorum) and to full
 * redundancy (also every member and router in reach across Docker's overlay),
 * and how many false failovers a quiet period of steady
 * writes saw; and each run's figures, with the agents' events and the writer's
 * failures for an unusual run (bench/lib/failoverRuns.ts). JSON, then one
 * summary line. Needs `npm run testbed:up`.
 */
import { runScenario, type ScenarioResult } from "../tests/harness/chaos";
import { healEverything, members, primary, waitFullRedundancy } from "../tests/harness/cluster";
import { deploy, destroy } from "../tests/harness/deploy";
import { SCENARIOS } from "../tests/harness/scenarios";
import { waitConverged } from "../tests/harness/swarm";
import { requireTestbed } from "../tests/harness/testbed";
import { Writer } from "../tests/harness/writer";
import { DEMO_PORT, replicatedStack } from "../tests/e2e/stacks";
import { appTargets } from "../tests/harness/chaos";
import { distribution, type Distribution } from "./stats";
import { runRecord, type RunRecord } from "./lib/failoverRuns";

const STACK = "benchha";
const DATA = ["pgnode1", "pgnode2", "pgnode3"];
const APP_PORT = DEMO_PORT + 2;

interface ScenarioFigures {
  runs: number;
  outageMs: Distribution;
  resumedMs: Distribution;
  redundancyMs: Distribution;
  replicationMs: Distribution;
  lostCommits: number;
  duplicatedCommits: number;
  splitBrains: number;
  primaryChanged: number;
  /** Each run's figures; an unusual one (see failoverRuns.ts) with its explanation. */
  perRun: RunRecord[];
}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

const progress = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);

async function freshStack(synchronous: "quorum" | "off"): Promise<void> {
  await healEverything();
  await destroy(STACK, { volumes: true });
  await deploy(STACK, replicatedStack({ synchronous, appPort: APP_PORT }));
  await waitConverged(STACK);
  await waitFullRedundancy(STACK, DATA, undefined, 240_000, { synchronous: synchronous === "quorum" });
}

/** Steady writes, no fault: every election in this period is a false failover. */
async function quietPeriod(minutes: number): Promise<{ minutes: number; falseFailovers: number; longestGapMs: number; acknowledged: number }> {
  const before = await primary(STACK, DATA);
  const writer = new Writer({ targets: await appTargets(STACK, APP_PORT), prefix: `quiet-${Date.now()}` }).start();
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, minutes * 60_000));
  await writer.stop();
  const after = await primary(STACK, DATA);
  const terms = (await members(STACK, DATA)).map((member) => member.status?.term ?? 0);
  const falseFailovers = Math.max(...terms) - (before?.status?.term ?? 0);
  return {
    minutes,
    falseFailovers: falseFailovers + (before && after && before.name !== after.name && falseFailovers === 0 ? 1 : 0),
    longestGapMs: writer.longestGap(started + 1000, Date.now()),
    acknowledged: writer.acknowledged().length,
  };
}

function figures(results: ScenarioResult[], perRun: RunRecord[]): ScenarioFigures {
  return {
    runs: results.length,
    outageMs: distribution(results.map((result) => result.outageMs)),
    resumedMs: distribution(results.map((result) => result.resumedMs)),
    redundancyMs: distribution(results.map((result) => result.redundancyMs)),
    replicationMs: distribution(results.map((result) => result.replicationMs)),
    lostCommits: results.reduce((sum, result) => sum + result.lost.length, 0),
    duplicatedCommits: results.reduce((sum, result) => sum + result.duplicated.length, 0),
    splitBrains: results.reduce((sum, result) => sum + result.overlaps.length + result.flipFlops.length, 0),
    primaryChanged: results.filter((result) => result.primaryAfter !== result.primaryBefore).length,
    perRun,
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runs = Number(option(args, "--runs") ?? 3);
  const names = (option(args, "--scenario") ?? Object.keys(SCENARIOS).join(",")).split(",").filter(Boolean);
  const modes = (option(args, "--modes") ?? "quorum,off").split(",") as Array<"quorum" | "off">;
  const quietMinutes = Number(option(args, "--quiet-minutes") ?? 5);
  for (const name of names) if (!SCENARIOS[name]) throw new Error(`no scenario "${name}"; have: ${Object.keys(SCENARIOS).join(", ")}`);
  await requireTestbed();

  const report: Record<string, unknown> = { bench: "failover", runs, dataMembers: DATA.length, heartbeat: "500ms", timeout: "3s", modes: {} };
  for (const mode of modes) {
    progress(`synchronous: ${mode}: deploying ${STACK}`);
    await freshStack(mode);
    const perScenario: Record<string, ScenarioFigures> = {};
    for (const name of names) {
      const results: ScenarioResult[] = [];
      const records: RunRecord[] = [];
      for (let run = 1; run <= runs; run++) {
        const result = await runScenario(`${name}-${mode}-${run}`, { stack: STACK, dataMembers: DATA, appPort: APP_PORT, synchronous: mode === "quorum" }, SCENARIOS[name].fault());
        progress(`${mode} ${name} #${run}: outage ${result.outageMs} ms from +${result.outageFromMs} ms, resumed after ${result.resumedMs} ms, replication ${result.replicationMs} ms and full redundancy ${result.redundancyMs} ms after heal, lost ${result.lost.length}`);
        // An unusual run shows why: the agents' elections, fences and promotions, timed from the fault.
        const record = runRecord(result);
        for (const line of [...(record.unusual ?? []), ...(record.explanation ?? [])]) progress(`    ${line}`);
        results.push(result);
        records.push(record);
      }
      perScenario[name] = figures(results, records);
    }
    const quiet = quietMinutes > 0 ? await quietPeriod(quietMinutes) : undefined;
    if (quiet) progress(`${mode} quiet ${quietMinutes} min: ${quiet.falseFailovers} false failovers, longest gap ${quiet.longestGapMs} ms`);
    (report.modes as Record<string, unknown>)[mode] = { scenarios: perScenario, quiet };
  }
  await destroy(STACK, { volumes: true });

  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  const quorum = (report.modes as any).quorum;
  const off = (report.modes as any).off;
  const unplanned = quorum ? Object.values(quorum.scenarios as Record<string, ScenarioFigures>) : [];
  const p50 = Math.max(0, ...unplanned.map((figure) => figure.outageMs.median));
  const max = Math.max(0, ...unplanned.map((figure) => figure.outageMs.max));
  const redundancy = Math.max(0, ...unplanned.map((figure) => figure.redundancyMs.max));
  const replication = Math.max(0, ...unplanned.map((figure) => figure.replicationMs.max));
  const lost = (mode: any) => (mode ? Object.values(mode.scenarios as Record<string, ScenarioFigures>).reduce((sum, figure) => sum + figure.lostCommits, 0) : "n/a");
  const splits = unplanned.reduce((sum, figure) => sum + figure.splitBrains, 0);
  process.stdout.write(
    `failover: worst scenario p50 ${(p50 / 1000).toFixed(1)} s, max ${(max / 1000).toFixed(1)} s write outage over ${runs} run(s) × ${names.length} scenarios; ` +
      `lost commits quorum ${lost(quorum)}, off ${lost(off)}; split brains ${splits}; ` +
      `false failovers ${quorum?.quiet?.falseFailovers ?? "n/a"} in ${quietMinutes} min; replication ≤ ${(replication / 1000).toFixed(1)} s and full redundancy (with the overlay's reach) ≤ ${(redundancy / 1000).toFixed(1)} s after heal\n`,
  );
}

main().catch(async (error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  await healEverything().catch(() => undefined);
  process.exit(1);
});
