/**
 * Two data members and a witness (the smallest replicated stack that survives
 * a member's loss without a split brain): the witness votes and renews leases
 * but holds no data. Kill and cut the primary, with the same writer and role
 * sampler as the three-member chaos tests.
 */
import type * as Chaos from "../harness/chaos";
import type * as Cluster from "../harness/cluster";
import type * as Scenarios from "../harness/scenarios";
import { requireTestbed } from "../harness/testbed";
import { DEMO_PORT, replicatedStack } from "./stacks";
import { deployTwice, destroyStack } from "./support";

jest.setTimeout(900_000);
const STACK = "wit";
const DATA = ["pgnode1", "pgnode2"];
const WITNESS = "pgwitness";
const APP_PORT = DEMO_PORT + 1;
let chaos: typeof Chaos;
let cluster: typeof Cluster;
let scenarios: typeof Scenarios;

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
  if (!process.env.PGSWARM_E2E_KEEP) await destroyStack(STACK);
});

async function run(name: string): Promise<Chaos.ScenarioResult> {
  const result = await chaos.runScenario(name, { stack: STACK, dataMembers: DATA, witness: WITNESS, appPort: APP_PORT }, scenarios.SCENARIOS[name].fault());
  process.stdout.write(
    `chaos witness ${name}: outage ${result.outageMs} ms, full redundancy ${result.redundancyMs} ms after heal, ` +
      `${result.acknowledged}/${result.attempted} acknowledged, primary ${result.primaryBefore} → ${result.primaryAfter}\n` +
      result.events.map((event) => `    ${event}\n`).join(""),
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
});
