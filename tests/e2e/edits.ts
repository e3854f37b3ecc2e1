/**
 * A config edit as operators make one, with the demo app writing through it:
 * the writer records every acknowledged commit, a role sampler watches every
 * member, the edit is deployed (twice: the second run must change nothing), and
 * the new shape must reach full redundancy. Shared by the lifecycle and witness suites.
 */
import type { Writer as WriterClass } from "../harness/writer";
import { deployTwice } from "./support";

export interface EditTarget {
  stack: string;
  appPort: number;
  /** Every data member either shape may have: two of them must never accept writes at once. */
  sampled: string[];
}

export interface EditOptions {
  /** The writer sends a write an instance refuses (it is restarting) to the next one, as a load balancer does. */
  retryRefused?: boolean;
  /** Waited for after full redundancy, before the writer stops. */
  until?: () => Promise<unknown>;
  /** The witness the new shape has, if any (full redundancy then asks it to follow the same term). */
  witness?: string;
}

const cluster = () => require("../harness/cluster") as typeof import("../harness/cluster");
const swarm = () => require("../harness/swarm") as typeof import("../harness/swarm");

export async function startWriter(target: EditTarget, name: string, options: { retryRefused?: boolean } = {}): Promise<WriterClass> {
  const { Writer } = require("../harness/writer") as typeof import("../harness/writer");
  const { appTargets } = require("../harness/chaos") as typeof import("../harness/chaos");
  const writer = new Writer({ targets: await appTargets(target.stack, target.appPort), prefix: `${name}-${Date.now()}`, ...options }).start();
  await swarm().eventually(async () => {
    if (writer.acknowledged().length < 10) throw new Error(`the writer has not settled (${writer.acknowledged().length} acknowledged)`);
  }, 120_000, 200);
  return writer;
}

/** Acknowledged values missing from the table, read on the member that leads now. */
export async function lostCommits(target: EditTarget, writer: WriterClass, members: string[]): Promise<string[]> {
  const values = writer.acknowledged().map((attempt) => attempt.value);
  const leader = (await cluster().primary(target.stack, members)) ?? (await cluster().members(target.stack, members))[0];
  const prefix = writer.attempts[0].value.replace(/-\d+$/, "");
  const present = new Set((await cluster().psql(leader, `SELECT value FROM items WHERE value LIKE '${prefix}-%'`)).split("\n").filter(Boolean));
  return values.filter((value) => !present.has(value));
}

/**
 * Applies an edit with the writer running and waits until the new shape is at full redundancy;
 * prints the longest write pause and returns the writer for the checks.
 */
export async function edit(
  target: EditTarget,
  name: string,
  config: Record<string, unknown>,
  dataMembers: string[],
  options: EditOptions = {},
): Promise<{ writer: WriterClass; leader: string }> {
  const writer = await startWriter(target, name, { retryRefused: options.retryRefused });
  const { RoleSampler } = require("../harness/roles") as typeof import("../harness/roles");
  const sampler = new RoleSampler(target.stack, target.sampled).start();
  const editAt = Date.now();
  try {
    await deployTwice(target.stack, config);
    await swarm().waitConverged(target.stack);
    const synchronous = (config["pgswarm:database"] as { synchronous?: string }).synchronous !== "off";
    const leader = await cluster().waitFullRedundancy(target.stack, dataMembers, options.witness, 300_000, { synchronous });
    if (options.until) await options.until();
    const redundantAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2000)); // writes in the new shape too
    await writer.stop();
    await sampler.stop();
    expect(sampler.overlaps()).toEqual([]);
    process.stdout.write(
      `edit ${name}: longest write pause ${writer.longestGap(editAt, redundantAt)} ms, full redundancy ${redundantAt - editAt} ms after the deploy began, ` +
        `${writer.acknowledged().length}/${writer.attempts.length} acknowledged\n`,
    );
    return { writer, leader: leader.name };
  } finally {
    await writer.stop();
    await sampler.stop();
  }
}
