/**
 * One chaos scenario on a replicated stack: a writer posting through the demo
 * app every 100 ms and a sampler of every member's role run throughout; a fault
 * is injected (and healed); then the cluster must return to full redundancy and
 * the evidence is checked — no two members answered as primary in overlapping
 * periods, writes never went back and forth between members, every
 * acknowledged write is in the table exactly once, and the writer resumed.
 */
import { agentEvents, fullRedundancy, primary, psql, waitFullRedundancy, type Member } from "./cluster";
import { RoleSampler } from "./roles";
import { eventually, runningTasks, waitSettled } from "./swarm";
import { NODE_ADDRESS, waitSwarmSettled } from "./testbed";
import { summariseFailures, Writer } from "./writer";

export interface ScenarioContext {
  stack: string;
  dataMembers: string[];
  witness?: string;
  /** The primary when the fault is injected. */
  primary: Member;
  writer: Writer;
}

export interface Fault {
  /**
   * Injects the fault; returns when it is in place, with the moment it took effect
   * (when the fault is preceded by preparation, such as looking up PIDs) or nothing
   * (then the moment inject() was called counts).
   */
  inject(context: ScenarioContext): Promise<number | void>;
  /** Optional: what to do once writes resumed (or after holdMs), e.g. heal the network. */
  heal?(context: ScenarioContext): Promise<void>;
  /** How long the fault stays before heal() (default: until writes resume). */
  holdMs?: number;
  /** Whether writes may stop at all (false for faults that must not interrupt them). */
  expectOutage?: boolean;
}

export interface ScenarioResult {
  name: string;
  /** The longest time without an acknowledged write, from the fault until full redundancy (ms). */
  outageMs: number;
  /**
   * Fault → the end of the longest write pause (ms): when writes resumed. Not the first acknowledgement of a write
   * sent after the fault: one sent in the moment before a cut took effect is acknowledged before the pause begins.
   */
  resumedMs: number;
  /** Heal (or fault, without heal) → full redundancy (ms): the replication whole and every member and router in reach. */
  redundancyMs: number;
  /**
   * Heal (or fault, without heal) → the replication whole again (ms): one primary, every standby streaming from it, the
   * quorum complete. What pgswarm restores; the rest of redundancyMs is Docker's overlay gossip (moby/moby#53141).
   */
  replicationMs: number;
  acknowledged: number;
  attempted: number;
  /** Acknowledged writes missing from the table. */
  lost: string[];
  /** Values present more than once. */
  duplicated: string[];
  overlaps: ReturnType<RoleSampler["overlaps"]>;
  flipFlops: ReturnType<Writer["flipFlops"]>;
  samples: Record<string, number>;
  primaryBefore: string;
  primaryAfter: string;
  /** The agents' events from the fault on (elections, fences, promotions): why the figures are what they are. */
  events: string[];
  /** When the longest write outage began, from the fault (negative: the last write before it). */
  outageFromMs: number;
  /** The writer's failed attempts from the fault to full redundancy, by target and error (summariseFailures). */
  writeFailures: string[];
}

/** Why a scenario's figures are what they are: the agents' events, then the writer's failures. */
export function explanation(result: Pick<ScenarioResult, "events" | "writeFailures">): string[] {
  return [...result.events, ...result.writeFailures.map((failure) => `write failed: ${failure}`)];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long after the heal the cluster has to be back at full redundancy. */
const REDUNDANCY_TIMEOUT_MS = 120_000;

/** The demo app's instances, by the nodes their tasks run on (published in host mode); waits until there is one. */
export async function appTargets(stack: string, port: number): Promise<string[]> {
  return eventually(async () => {
    const tasks = await runningTasks(`${stack}_web`);
    if (tasks.length === 0) throw new Error(`no task of ${stack}_web runs`);
    return tasks.map((task) => `http://${NODE_ADDRESS[task.node]}:${port}`);
  }, 120_000, 500);
}

export async function runScenario(
  name: string,
  /** synchronous: false for a stack with `synchronous: off` (full redundancy then means no standby is waited for). */
  options: { stack: string; dataMembers: string[]; witness?: string; appPort: number; synchronous?: boolean },
  fault: Fault,
): Promise<ScenarioResult> {
  const { stack, dataMembers, witness } = options;
  await waitSwarmSettled();
  await waitSettled(stack);
  const redundancy = { synchronous: options.synchronous ?? true };
  const before = await waitFullRedundancy(stack, dataMembers, witness, 120_000, redundancy);
  const writer = new Writer({ targets: await appTargets(stack, options.appPort), prefix: `${name}-${Date.now()}` }).start();
  const sampler = new RoleSampler(stack, dataMembers).start();
  const context: ScenarioContext = { stack, dataMembers, witness, primary: before, writer };
  try {
    // Steady writes first: the writer and the routers are warm.
    await eventually(async () => {
      if (writer.acknowledged().length < 10) {
        const errors = [...new Set(writer.attempts.slice(-20).map((attempt) => `${attempt.target}: ${attempt.error ?? "ok"}`))];
        throw new Error(`the writer has not settled (${writer.acknowledged().length} acknowledged; lately: ${errors.join("; ")})`);
      }
    }, 60_000, 200);
    const calledAt = Date.now();
    const faultAt = (await fault.inject(context)) ?? calledAt;
    // Writes must have resumed before heal() (node faults also hold for holdMs).
    await eventually(
      async () => {
        const outage = writer.outageAfter(faultAt);
        if (outage === undefined) throw new Error(`${name}: no write acknowledged since the fault`);
        return outage;
      },
      120_000,
      100,
    );
    if (fault.heal) {
      const healAt = faultAt + (fault.holdMs ?? 0);
      if (Date.now() < healAt) await sleep(healAt - Date.now());
      await fault.heal(context);
    }
    const healedAt = Date.now();
    // One budget from the heal for both: measuring the replication apart must not lengthen the wait for full redundancy.
    const redundancyBudget = () => Math.max(0, healedAt + REDUNDANCY_TIMEOUT_MS - Date.now());
    await waitFullRedundancy(stack, dataMembers, witness, redundancyBudget(), { ...redundancy, mesh: false });
    const replicationMs = Date.now() - healedAt;
    const after = await waitFullRedundancy(stack, dataMembers, witness, redundancyBudget(), redundancy);
    const redundantAt = Date.now();
    const redundancyMs = redundantAt - healedAt;
    // Swarm replaces a cut node's tasks once it sees the node again: the writer keeps going through that too.
    await waitSwarmSettled();
    await waitSettled(stack);
    await waitFullRedundancy(stack, dataMembers, witness, 120_000, redundancy);
    await sleep(1500); // writes at full redundancy too
    await writer.stop();
    await sampler.stop();

    const values = writer.acknowledged().map((attempt) => attempt.value);
    const leader = (await primary(stack, dataMembers)) ?? after;
    const prefix = writer.attempts[0].value.replace(/-\d+$/, "");
    const rows = (await psql(leader, `SELECT value || ' ' || count(*) FROM items WHERE value LIKE '${prefix}-%' GROUP BY value`))
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split(" "));
    const present = new Map(rows.map(([value, count]) => [value, Number(count)]));
    const members = witness ? [...dataMembers, witness] : dataMembers;
    const events = await agentEvents(stack, members, faultAt - 500, faultAt).catch((error: Error) => [`(agent logs unavailable: ${error.message})`]);
    const pause = writer.longestGapSpan(faultAt, redundantAt);
    return {
      name,
      outageMs: pause.ms,
      outageFromMs: pause.startedAt - faultAt,
      resumedMs: pause.startedAt + pause.ms - faultAt,
      redundancyMs,
      replicationMs,
      acknowledged: values.length,
      attempted: writer.attempts.length,
      lost: values.filter((value) => !present.has(value)),
      duplicated: [...present].filter(([, count]) => count > 1).map(([value]) => value),
      overlaps: sampler.overlaps(),
      flipFlops: writer.flipFlops(),
      samples: sampler.counts(),
      primaryBefore: before.name,
      // Who leads at the end (Swarm may still replace a task it lost track of during a cut, after full redundancy).
      primaryAfter: leader.name,
      events,
      writeFailures: summariseFailures(writer.attempts, faultAt, redundantAt),
    };
  } finally {
    await writer.stop();
    await sampler.stop();
  }
}
