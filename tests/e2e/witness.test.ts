/**
 * Two data members and a witness (the smallest replicated stack that survives
 * a member's loss without a split brain): the witness votes and renews leases
 * but holds no data. Kill and cut the primary, with the same writer and role
 * sampler as the three-member chaos tests. Then grow it as an operator would,
 * with the app writing: a third data member where the witness was, and a
 * member's slot moved to a node that carried none.
 */
import type * as Chaos from "../harness/chaos";
import type * as Cluster from "../harness/cluster";
import type * as Scenarios from "../harness/scenarios";
import { requireTestbed, SPARE_NODE } from "../harness/testbed";
import { DEMO_PORT, replicatedStack } from "./stacks";
import { edit, lostCommits, type EditTarget } from "./edits";
import { deployTwice, destroyStack } from "./support";

jest.setTimeout(900_000);
const STACK = "wit";
const DATA = ["pgnode1", "pgnode2"];
const WITNESS = "pgwitness";
const APP_PORT = DEMO_PORT + 1;
let chaos: typeof Chaos;
let cluster: typeof Cluster;
let scenarios: typeof Scenarios;
const THREE = ["pgnode1", "pgnode2", "pgnode3"];
const TARGET: EditTarget = { stack: STACK, appPort: APP_PORT, sampled: THREE };

/** 2 + witness grown to 3 data members: pgnode3 where the witness was (that node now carries backups). */
function threeDataMembers(placement: Record<string, string> = { pgnode1: "pgw1", pgnode2: "pgw2", pgnode3: "pgm" }): Record<string, unknown> {
  const base = replicatedStack({ shape: "witness", appPort: APP_PORT });
  const nodes = base["pgswarm:nodes"] as Record<string, { backups?: boolean }>;
  const { witness: _witness, ...database } = base["pgswarm:database"] as Record<string, unknown>;
  const carrying = new Set(Object.values(placement));
  return {
    ...base,
    // Nodes are added after the existing ones; the repository stays where it is, pinned.
    "pgswarm:nodes": { ...nodes, pgm: { ...nodes.pgm, backups: true }, ...(carrying.has(SPARE_NODE) ? { [SPARE_NODE]: { backups: true } } : {}) },
    "pgswarm:database": { ...database, nodes: 3, placement },
    "pgswarm:backups": { node: "pgw2" },
  };
}

beforeAll(async () => {
  await requireTestbed();
  jest.resetModules();
  cluster = require("../harness/cluster");
  await cluster.healEverything();
  await destroyStack(STACK);
  await deployTwice(STACK, replicatedStack({ shape: "witness", appPort: APP_PORT }));
  chaos = require("../harness/chaos");
  cluster = require("../harness/cluster");
  scenarios = require("../harness/scenarios");
  await (require("../harness/swarm") as typeof import("../harness/swarm")).waitConverged(STACK);
  await cluster.waitFullRedundancy(STACK, DATA, WITNESS, 240_000);
});

afterAll(async () => {
  await cluster?.healEverything();
  if (process.env.PGSWARM_E2E_KEEP) return;
  await destroyStack(STACK);
  // The spare node takes nothing again (the slot-move test opened it), after the member there is gone.
  await (require("../harness/testbed") as typeof import("../harness/testbed")).setSpareAvailability("drain");
});

async function run(name: string): Promise<Chaos.ScenarioResult> {
  const result = await chaos.runScenario(name, { stack: STACK, dataMembers: DATA, witness: WITNESS, appPort: APP_PORT }, scenarios.SCENARIOS[name].fault());
  process.stdout.write(
    `chaos witness ${name}: outage ${result.outageMs} ms, replication ${result.replicationMs} ms and full redundancy ${result.redundancyMs} ms after heal, ` +
      `${result.acknowledged}/${result.attempted} acknowledged, primary ${result.primaryBefore} → ${result.primaryAfter}\n` +
      chaos.explanation(result).map((line) => `    ${line}\n`).join(""),
  );
  for (const count of Object.values(result.samples)) expect(count).toBeGreaterThan(10);
  expect(result.overlaps).toEqual([]);
  expect(result.flipFlops).toEqual([]);
  expect(result.lost).toEqual([]);
  expect(result.duplicated).toEqual([]);
  return result;
}

describe("replicated, 2 data members and a witness", () => {
  it("runs the witness on its own node, holding no data", async () => {
    const [witness] = await cluster.members(STACK, [WITNESS]);
    expect(witness.status).toMatchObject({ kind: "witness", role: "witness" });
    expect(witness.node).toBe("pgm");
    const [primary] = (await cluster.members(STACK, DATA)).filter((member) => member.status?.role === "primary");
    expect(witness.status!.term).toBe(primary.status!.term);
  });

  it("kill the primary's container: the standby and the witness elect the standby; no acknowledged write lost", async () => {
    const result = await run("kill-primary");
    expect(result.primaryAfter).not.toBe(result.primaryBefore);
  });

  it("cut the primary's node off the network and heal it: writes resume on the other member, the old primary rejoins", async () => {
    const result = await run("cut-primary");
    expect(result.primaryAfter).not.toBe(result.primaryBefore);
  });

  it("2 data members + witness → 3 data members: pgnode3 clones where the witness was, the witness goes, no acknowledged commit lost", async () => {
    const swarm = require("../harness/swarm") as typeof import("../harness/swarm");
    const { writer } = await edit(TARGET, "witness-to-three", threeDataMembers(), THREE);
    expect(await lostCommits(TARGET, writer, THREE)).toEqual([]);
    const services = (await swarm.stackServices(STACK)).map((service) => service.Spec.Name);
    expect(services).not.toContain(`${STACK}_${WITNESS}`);
    const [pgnode3] = await (require("../harness/cluster") as typeof Cluster).members(STACK, ["pgnode3"]);
    expect(pgnode3.node).toBe("pgm");
    expect(pgnode3.status).toMatchObject({ kind: "data", role: "standby" });
  });

  it("a standby's slot moved to a node that carried none: it clones afresh there, its old volume stays, the other members keep running, no acknowledged commit lost", async () => {
    const swarm = require("../harness/swarm") as typeof import("../harness/swarm");
    const members = await (require("../harness/cluster") as typeof Cluster).members(STACK, THREE);
    const mover = members.find((member) => member.status?.role === "standby")!;
    const stayers = THREE.filter((name) => name !== mover.name);
    const tasksOf = async (names: string[]) =>
      Object.fromEntries(await Promise.all(names.map(async (name) => [name, (await swarm.runningTasks(`${STACK}_${name}`)).map((task) => task.taskId)])));
    const before = await tasksOf(stayers);
    const { setSpareAvailability } = require("../harness/testbed") as typeof import("../harness/testbed");
    const placement = Object.fromEntries(members.map((member) => [member.name, member.name === mover.name ? SPARE_NODE : member.node]));
    // A node that carried nothing: the testbed's spare, opened to tasks for this test only.
    await setSpareAvailability("active");

    const { writer } = await edit(TARGET, "slot-move", threeDataMembers(placement), THREE);
    expect(await lostCommits(TARGET, writer, THREE)).toEqual([]);
    expect((await swarm.runningTasks(`${STACK}_${mover.name}`)).map((task) => task.node)).toEqual([SPARE_NODE]);
    expect(await tasksOf(stayers)).toEqual(before);
    const volumes = await swarm.volumesOn(STACK);
    // The old volume is never deleted (an operator removes it once sure); the member cloned into a new one.
    expect(volumes).toEqual(expect.arrayContaining([
      { node: mover.node, name: `${STACK}_${mover.name}_data` },
      { node: SPARE_NODE, name: `${STACK}_${mover.name}_data` },
    ]));
  });
});
