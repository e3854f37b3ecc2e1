/**
 * Chaos tests of the replicated topology on the 3-node testbed: three data
 * members (one per node), the demo app on every node, a writer posting through
 * db-rw every 100 ms and a sampler of every member's role throughout each fault.
 * Each fault is injected once here; repetitions and figures are in
 * bench/failover.ts.
 */
import type * as Chaos from "../harness/chaos";
import type * as Cluster from "../harness/cluster";
import { requireTestbed, type NodeName } from "../harness/testbed";
import { DEMO_PORT, replicatedStack } from "./stacks";
import { deployTwice, destroyStack } from "./support";

jest.setTimeout(900_000);
const STACK = "ha";
const DATA = ["pgnode1", "pgnode2", "pgnode3"];
let chaos: typeof Chaos;
let cluster: typeof Cluster;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const scenario = (name: string, fault: Chaos.Fault) => chaos.runScenario(name, { stack: STACK, dataMembers: DATA, appPort: DEMO_PORT }, fault);

/** The evidence every scenario must show (quorum commit: no acknowledged write lost). */
function expectSafe(result: Chaos.ScenarioResult): void {
  process.stdout.write(
    `chaos ${result.name}: outage ${result.outageMs} ms, full redundancy ${result.redundancyMs} ms after heal, ` +
      `${result.acknowledged}/${result.attempted} acknowledged, primary ${result.primaryBefore} → ${result.primaryAfter}, samples ${JSON.stringify(result.samples)}\n`,
  );
  for (const count of Object.values(result.samples)) expect(count).toBeGreaterThan(10);
  expect(result.overlaps).toEqual([]);
  expect(result.flipFlops).toEqual([]);
  expect(result.lost).toEqual([]);
  expect(result.duplicated).toEqual([]);
  expect(result.acknowledged).toBeGreaterThan(20);
}

beforeAll(async () => {
  await requireTestbed();
  jest.resetModules();
  cluster = require("../harness/cluster");
  await cluster.healEverything();
  await destroyStack(STACK);
  await deployTwice(STACK, replicatedStack());
  chaos = require("../harness/chaos");
  cluster = require("../harness/cluster");
  await cluster.waitFullRedundancy(STACK, DATA, undefined, 240_000);
});

afterAll(async () => {
  await cluster?.healEverything();
  await destroyStack(STACK);
});

describe("replicated, 3 data members, synchronous quorum: faults", () => {
  it("kill the primary's container: writes resume, one primary at a time, no acknowledged write lost", async () => {
    expectSafe(await scenario("kill-primary", { inject: ({ primary }) => cluster.killContainer(primary) }));
  });

  it("stop the primary node's Docker engine, then start it: the primary hands over before it stops", async () => {
    let node: NodeName;
    const result = await scenario("engine-stop-primary", {
      inject: async ({ primary }) => {
        node = primary.node;
        await cluster.stopEngine(node);
      },
      holdMs: 20_000,
      heal: () => cluster.startEngine(node),
    });
    expectSafe(result);
    expect(result.primaryAfter).not.toBe(result.primaryBefore);
  });

  it("cut the primary's node off the network and heal it: a standby takes over, the old primary rejoins by rewind", async () => {
    let node: NodeName;
    let former = "";
    const result = await scenario("cut-primary", {
      inject: async ({ primary }) => {
        node = primary.node;
        former = primary.name;
        await cluster.cutNode(node);
      },
      holdMs: 20_000,
      heal: () => cluster.healNode(node),
    });
    expectSafe(result);
    expect(result.primaryAfter).not.toBe(former);
    const logs = await cluster.memberLogs(STACK, former);
    expect(logs).toMatch(/rewound: following pgnode\d/);
    expect(logs).not.toMatch(/RE-CLONE/);
  });

  it("freeze the primary (SIGSTOP), then SIGCONT: the frozen server is fenced and accepts no write after it", async () => {
    let frozen: Cluster.Member;
    let frozenPids: string[] = [];
    let survivors: string[] = [];
    const result = await scenario("freeze-primary", {
      inject: async ({ primary }) => {
        frozen = primary;
        frozenPids = await cluster.postgresPids(primary);
        const at = Date.now();
        await cluster.signalPostgres(primary, "STOP");
        return at;
      },
      holdMs: 15_000,
      heal: async () => {
        await cluster.signalPostgres(frozen, "CONT");
        survivors = (await cluster.postgresPids(frozen)).filter((pid) => frozenPids.includes(pid));
        // Any write the old server still took would show as a flip-flop or an overlap.
        await sleep(3000);
      },
    });
    expectSafe(result);
    expect(frozenPids.length).toBeGreaterThan(3);
    // Fenced with SIGKILL while frozen: none of the frozen processes lives on to take a write.
    expect(survivors).toEqual([]);
  });

  it("restart the old primary after a failover: it comes back as a standby, never as a second primary", async () => {
    let node: NodeName;
    const result = await scenario("restart-old-primary", {
      inject: async ({ primary, writer }) => {
        node = primary.node;
        const at = Date.now();
        await cluster.cutNode(node);
        // Once a new primary acknowledges writes, the old primary's container dies where it is cut off;
        // Swarm starts a new one when the node is back: a former primary starting from its data.
        const since = Date.now();
        await chaosEventually(() => writer.outageAfter(since) !== undefined);
        await cluster.killContainer(primary);
        return at;
      },
      holdMs: 15_000,
      heal: () => cluster.healNode(node),
    });
    expectSafe(result);
  });

  it("kill a standby: writes go on", async () => {
    let killed = "";
    const result = await scenario("kill-standby", {
      inject: async ({ primary, stack }) => {
        const standbys = (await cluster.members(stack, DATA)).filter((member) => member.name !== primary.name);
        killed = standbys[0].name;
        const at = Date.now();
        await cluster.killContainer(standbys[0]);
        return at;
      },
    });
    expectSafe(result);
    expect(result.primaryAfter).toBe(result.primaryBefore);
    expect(killed).not.toBe("");
  });

  it("cut a standby's node off the network: writes go on, it catches up after the heal", async () => {
    let node: NodeName;
    const result = await scenario("cut-standby", {
      inject: async ({ primary, stack }) => {
        const standby = (await cluster.members(stack, DATA)).find((member) => member.name !== primary.name)!;
        node = standby.node;
        const at = Date.now();
        await cluster.cutNode(node);
        return at;
      },
      holdMs: 15_000,
      heal: () => cluster.healNode(node),
    });
    expectSafe(result);
    expect(result.primaryAfter).toBe(result.primaryBefore);
  });
});

async function chaosEventually(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error("timed out");
    await sleep(100);
  }
}
