/**
 * Chaos tests of the replicated topology on the 3-node testbed: three data
 * members (one per node), the demo app on every node, a writer posting through
 * db-rw every 100 ms and a sampler of every member's role throughout each
 * fault. Each fault is injected once here; repetitions and figures are in
 * `npm run bench:failover`. Then the planned operations: a switchover and a
 * rolling image change, each a pause of at most 3 s with no failed commit after it.
 */
import type * as Chaos from "../harness/chaos";
import type * as Cluster from "../harness/cluster";
import type * as Scenarios from "../harness/scenarios";
import { requireTestbed, nodeHost, MANAGER } from "../harness/testbed";
import { DEMO_PORT, replicatedStack } from "./stacks";
import { deployTwice, destroyStack } from "./support";

jest.setTimeout(900_000);
const STACK = "ha";
const DATA = ["pgnode1", "pgnode2", "pgnode3"];
let chaos: typeof Chaos;
let cluster: typeof Cluster;
let scenarios: typeof Scenarios;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const options = { stack: STACK, dataMembers: DATA, appPort: DEMO_PORT };

/** The evidence every scenario must show (quorum commit: no acknowledged write lost). */
export function expectSafe(result: Chaos.ScenarioResult): void {
  process.stdout.write(
    `chaos ${result.name}: outage ${result.outageMs} ms from +${result.outageFromMs} ms (resumed ${result.resumedMs} ms after the fault), replication ${result.replicationMs} ms and full redundancy ${result.redundancyMs} ms after heal, ` +
      `${result.acknowledged}/${result.attempted} acknowledged, primary ${result.primaryBefore} → ${result.primaryAfter}, samples ${JSON.stringify(result.samples)}\n` +
      chaos.explanation(result).map((line) => `    ${line}\n`).join(""),
  );
  for (const count of Object.values(result.samples)) expect(count).toBeGreaterThan(10);
  expect(result.overlaps).toEqual([]);
  expect(result.flipFlops).toEqual([]);
  expect(result.lost).toEqual([]);
  expect(result.duplicated).toEqual([]);
  expect(result.acknowledged).toBeGreaterThan(20);
}

async function runNamed(name: string): Promise<Chaos.ScenarioResult> {
  const scenario = scenarios.SCENARIOS[name];
  const result = await chaos.runScenario(name, options, scenario.fault());
  expectSafe(result);
  if (scenario.primaryChanges === true) expect(result.primaryAfter).not.toBe(result.primaryBefore);
  if (scenario.primaryChanges === false) expect(result.primaryAfter).toBe(result.primaryBefore);
  return result;
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
  scenarios = require("../harness/scenarios");
  await (require("../harness/swarm") as typeof import("../harness/swarm")).waitConverged(STACK);
  await cluster.waitFullRedundancy(STACK, DATA, undefined, 240_000);
});

afterAll(async () => {
  await cluster?.healEverything();
  if (!process.env.PGSWARM_E2E_KEEP) await destroyStack(STACK);
});

describe("replicated, 3 data members, synchronous quorum: faults", () => {
  it("kill the primary's container: writes resume, one primary at a time, no acknowledged write lost", async () => {
    await runNamed("kill-primary");
  });

  it("stop the primary node's Docker engine, then start it: writes resume, one primary at a time, nothing lost", async () => {
    await runNamed("engine-stop-primary");
  });

  it("cut the primary's node off the network and heal it: a standby takes over, the old primary rejoins by rewind", async () => {
    const result = await runNamed("cut-primary");
    const logs = await cluster.memberLogs(STACK, result.primaryBefore);
    expect(logs).toMatch(/rewound: following pgnode\d/);
    expect(logs).not.toMatch(/RE-CLONE/);
  });

  it("freeze the primary (SIGSTOP), then SIGCONT: the frozen server is fenced and accepts no write after it", async () => {
    let frozen: Cluster.Member;
    let frozenPids: string[] = [];
    let survivors: string[] = [];
    const result = await chaos.runScenario("freeze-primary", options, {
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
    await runNamed("restart-old-primary");
  });

  it("kill a standby: writes go on, no failover", async () => {
    await runNamed("kill-standby");
  });

  it("cut a standby's node off the network: writes go on, it catches up after the heal", async () => {
    await runNamed("cut-standby");
  });
});

describe("replicated: planned operations", () => {
  it("npm run switchover moves the primary with no failed commit beyond a pause of at most 3 s", async () => {
    const { execFile } = require("child_process") as typeof import("child_process");
    let output = "";
    const result = await chaos.runScenario("switchover", options, {
      inject: async ({ primary }) => {
        const target = DATA.find((name) => name !== primary.name)!;
        const at = Date.now();
        output = await new Promise<string>((resolve, reject) =>
          execFile("npx", ["tsx", "tools/switchover.ts", STACK, target], { env: { ...process.env, DOCKER_HOST: nodeHost(MANAGER) }, timeout: 120_000 }, (error, stdout, stderr) =>
            error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
          ),
        );
        return at;
      },
    });
    expectSafe(result);
    expect(output).toMatch(/^switchover ha: pgnode\d → pgnode\d in \d+ ms$/m);
    expect(result.primaryAfter).not.toBe(result.primaryBefore);
    expect(result.outageMs).toBeLessThanOrEqual(3000);
  });

  it("a rolling change of database.image restarts the members one at a time, one primary at a time, no acknowledged commit lost, a pause of at most 3 s", async () => {
    const result = await chaos.runScenario("rolling-image", options, {
      inject: async () => {
        const testbed = require("../harness/testbed") as typeof import("../harness/testbed");
        await testbed.tagImageEverywhere("pgswarm/postgres:17", "pgswarm/postgres:17-rolled");
        await testbed.waitSwarmSettled();
        const at = Date.now();
        await deployTwice(STACK, replicatedStack({ postgresImage: "pgswarm/postgres:17-rolled" }));
        return at;
      },
    });
    expectSafe(result);
    expect(result.outageMs).toBeLessThanOrEqual(3000);
    // Every member runs the new image now (and runScenario saw the cluster back at full redundancy).
    for (const member of await cluster.members(STACK, DATA)) {
      const { dockerOn } = require("../harness/testbed") as typeof import("../harness/testbed");
      const container = await dockerOn(member.node).getContainer(member.containerId).inspect();
      expect(container.Config.Image).toMatch(/^pgswarm\/postgres:17-rolled(@|$)/);
    }
  });
});

describe("npm run status", () => {
  type StatusRun = { code: number; document: any; stderr: string };
  const runStatus = (node: string): Promise<StatusRun> => {
    const { execFile } = require("child_process") as typeof import("child_process");
    return new Promise((resolve) =>
      execFile("npx", ["tsx", "tools/status.ts", STACK, "--json"], { env: { ...process.env, DOCKER_HOST: node }, timeout: 120_000 }, (error, stdout, stderr) => {
        const line = stdout.trim().split("\n").pop() ?? "";
        let document: any;
        try {
          document = JSON.parse(line);
        } catch {
          document = undefined;
        }
        resolve({ code: error ? Number((error as any).code ?? 1) : 0, document, stderr });
      }),
    );
  };
  const sameMembers = (a: string[], b: string[]) => a.length === b.length && a.every((name) => b.includes(name));

  /**
   * `npm run status -- <stack> --json --watch 0.5` in the background, as an operator leaves it running. Its
   * output is read and timed in a worker thread, like the writer's writes: the test's own thread may be busy
   * when a document arrives, and the lag is measured against the writer's clock.
   */
  const watchStatus = (node: string) => {
    const { Worker } = require("worker_threads") as typeof import("worker_threads");
    const worker = new Worker(
      `
      const { parentPort, workerData } = require("worker_threads");
      const { spawn } = require("child_process");
      // One node process (tsx as a loader, not a launcher), so SIGTERM reaches the tool and it removes its ctl service.
      const child = spawn(process.execPath, ["--import", "tsx", "tools/status.ts", workerData.stack, "--json", "--watch", "0.5"], { env: { ...process.env, DOCKER_HOST: workerData.node } });
      let pending = "";
      child.stdout.on("data", (chunk) => {
        const lines = (pending + chunk.toString("utf8")).split("\\n");
        pending = lines.pop() ?? "";
        for (const line of lines.filter(Boolean)) parentPort.postMessage({ at: Date.now(), line });
      });
      child.stderr.on("data", (chunk) => parentPort.postMessage({ stderr: chunk.toString("utf8") }));
      child.on("exit", () => parentPort.postMessage({ exited: true }));
      parentPort.on("message", () => {
        child.kill("SIGTERM");
        // It removes its ctl service and exits; a watch that outlived its test would keep recreating one.
        setTimeout(() => child.kill("SIGKILL"), 60000).unref();
      });
      `,
      { eval: true, workerData: { stack: STACK, node } },
    );
    const documents: Array<{ at: number; document: any }> = [];
    let stderr = "";
    let resolveFirst: () => void;
    let resolveExited: () => void;
    const exited = new Promise<void>((resolve) => (resolveExited = resolve));
    const firstDocument = new Promise<void>((resolve, reject) => {
      resolveFirst = resolve;
      setTimeout(() => reject(new Error(`status --watch printed nothing in 90 s: ${stderr}`)), 90_000).unref();
    });
    worker.on("message", (message: { at?: number; line?: string; stderr?: string; exited?: boolean }) => {
      if (message.line !== undefined) {
        documents.push({ at: message.at!, document: JSON.parse(message.line) });
        resolveFirst();
      }
      if (message.stderr) stderr += message.stderr;
      if (message.exited) resolveExited();
    });
    return {
      documents,
      firstDocument,
      stop: async () => {
        worker.postMessage("stop");
        await exited;
        await worker.terminate();
      },
    };
  };
  const leaders = (document: any) => document.members.filter((member: any) => member.role === "primary" && member.leaseValid).map((member: any) => member.name);

  it("shows one primary, streaming standbys and what each router admits; warns during a failover; is clean after it", async () => {
    const rest = await runStatus(nodeHost(MANAGER));
    if (!rest.document) throw new Error(`npm run status printed no JSON (exit ${rest.code}): ${rest.stderr}`);
    expect(rest.stderr).toBe("");
    expect(rest.document.warnings).toEqual([]);
    expect(rest.code).toBe(0);
    const [primaryAtRest] = leaders(rest.document);
    expect(leaders(rest.document)).toHaveLength(1);
    for (const member of rest.document.members.filter((member: any) => member.name !== primaryAtRest)) {
      expect(member).toMatchObject({ role: "standby", postgres: { receiver: "streaming" } });
    }
    const rwRouters = rest.document.routers.filter((router: any) => router.service === `${STACK}_db-rw`);
    expect(rwRouters.length).toBeGreaterThanOrEqual(2);
    for (const router of rwRouters) expect(router.pools.primary).toEqual([primaryAtRest]);
    expect(rest.document.services.map((service: any) => service.part)).toEqual(expect.arrayContaining([...DATA, "db-rw", "web"]));

    // An operator watching from another manager: each document as the tool prints it, with when it came.
    const primaryNode = rest.document.services.find((service: any) => service.part === primaryAtRest).running[0].node;
    const { NODES } = require("../harness/testbed") as typeof import("../harness/testbed");
    const watched = watchStatus(nodeHost(NODES.find((node) => node !== primaryNode)!));
    await watched.firstDocument.catch(async (error) => {
      await watched.stop();
      throw error;
    });

    let during: StatusRun | undefined;
    let cutNode = "";
    let faultAt = 0;
    const scenario = chaos.runScenario("status-during-failover", options, {
      inject: async ({ primary }) => {
        cutNode = primary.node;
        faultAt = Date.now();
        await cluster.cutNode(primary.node);
        return faultAt;
      },
      holdMs: 8000,
      heal: async ({ primary }) => {
        const { NODES } = require("../harness/testbed") as typeof import("../harness/testbed");
        during = await runStatus(nodeHost(NODES.find((node) => node !== cutNode)!));
        await cluster.healNode(primary.node as any);
      },
    });
    // Stopped whatever happens: its ctl service would otherwise hold the stack's secrets.
    const result = await scenario.finally(() => watched.stop());
    expectSafe(result);
    // The failover is complete when writes resume through db-rw; the watch must show the new primary by then + 2 s.
    const completedAt = faultAt + result.resumedMs;
    const shown = watched.documents.find((entry) => entry.at > faultAt && sameMembers(leaders(entry.document), [result.primaryAfter]));
    const lagMs = shown ? shown.at - completedAt : Number.POSITIVE_INFINITY;
    process.stdout.write(`status --watch showed ${result.primaryAfter} as primary ${lagMs} ms after writes resumed (${watched.documents.length} documents)\n`);
    if (lagMs > 2000) {
      // What the watch printed from the fault on: when it came, when the ctl wrote it, and each member as shown.
      const member = (entry: any) => (entry.unreachable ? `${entry.name}:unreachable` : `${entry.name}:${entry.role}${entry.leaseValid ? "+lease" : ""}/t${entry.term}`);
      for (const entry of watched.documents.filter((entry) => entry.at > faultAt && entry.at < completedAt + 6000)) {
        process.stdout.write(`  +${entry.at - faultAt} ms (ctl +${Date.parse(entry.document.at) - faultAt} ms) ${entry.document.members.map(member).join(" ")}\n`);
      }
    }
    expect(lagMs).toBeLessThanOrEqual(2000);
    expect(during?.code).toBe(3);
    expect(during?.document.warnings).toContain(`${result.primaryBefore}: its agent does not answer`);
    expect(leaders(during?.document)).toEqual([expect.not.stringMatching(result.primaryBefore)]);

    // After a heal Swarm's managers may elect for a while: as an operator would, look once they have settled.
    await (require("../harness/testbed") as typeof import("../harness/testbed")).waitSwarmSettled();
    // Swarm's own task list may take a while to agree after the heal (it may show the member's task as not
    // running while its container serves): the view must become clean, as it does for an operator watching it.
    let after = await runStatus(nodeHost(MANAGER));
    for (let waited = 0; waited < 90_000 && (!after.document || after.document.warnings.length > 0); waited += 5000) {
      await sleep(5000);
      after = await runStatus(nodeHost(MANAGER));
    }
    if (!after.document) throw new Error(`npm run status printed no JSON (exit ${after.code}): ${after.stderr}`);
    expect(after.document.warnings).toEqual([]);
    expect(leaders(after.document)).toEqual([result.primaryAfter]);
  });
});

