/**
 * Topology changes as operators make them: an edit of the stack config and a
 * deploy, with the demo app writing through it all. Every acknowledged commit
 * must be in the table afterwards, and the write pause of each edit is printed.
 */
import type { Writer as WriterClass } from "../harness/writer";
import { DATA_NODES, requireTestbed } from "../harness/testbed";
import { DEMO_PORT, replicatedStack } from "./stacks";
import { edit as applyEdit, lostCommits as lostCommitsOf, type EditOptions, type EditTarget } from "./edits";
import { deployTwice, destroyStack } from "./support";

jest.setTimeout(900_000);
const STACK = "lc";
const DATA = ["pgnode1", "pgnode2", "pgnode3"];
const APP_PORT = DEMO_PORT + 5;

/** The rotation step the edits after the credentials test keep (going back would be a step of its own). */
const ROTATED = 2;
/** db-rw's routers from the routers edit on. */
const ROUTERS = 3;

/** The same nodes and app as the replicated stack, with pgnode1 alone on its node (the replicated stack's pgnode1 node). */
function standalone(credentialsRotation = 0): Record<string, unknown> {
  const replicated = replicatedStack({ appPort: APP_PORT });
  return {
    ...replicated,
    "pgswarm:topology": "standalone",
    "pgswarm:database": { nodes: 1, placement: { pgnode1: DATA_NODES[0] }, walArchiving: "on", credentialsRotation },
  };
}

let cluster: typeof import("../harness/cluster");
let swarm: typeof import("../harness/swarm");

const TARGET: EditTarget = { stack: STACK, appPort: APP_PORT, sampled: DATA };
const edit = (name: string, config: Record<string, unknown>, dataMembers: string[], options: EditOptions = {}) => {
  const done = applyEdit(TARGET, name, config, dataMembers, options);
  return done.finally(() => {
    cluster = require("../harness/cluster");
    swarm = require("../harness/swarm");
  });
};
const lostCommits = (writer: WriterClass, members: string[]) => lostCommitsOf(TARGET, writer, members);

beforeAll(async () => {
  await requireTestbed();
  jest.resetModules();
  cluster = require("../harness/cluster");
  await cluster.healEverything();
  await destroyStack(STACK);
  await deployTwice(STACK, standalone());
  cluster = require("../harness/cluster");
  swarm = require("../harness/swarm");
  await swarm.waitConverged(STACK);
});

afterAll(async () => {
  if (!process.env.PGSWARM_E2E_KEEP) await destroyStack(STACK);
});

describe("topology edits with the app writing", () => {
  it("standalone → replicated: pgnode1 keeps its data and leads, the new members clone from it, no acknowledged commit lost", async () => {
    const { writer, leader } = await edit("standalone-to-replicated", replicatedStack({ appPort: APP_PORT }), DATA);
    expect(leader).toBe("pgnode1");
    expect(await lostCommits(writer, DATA)).toEqual([]);
    expect(writer.flipFlops()).toEqual([]);
  });

  it("replicated → read-split: db-ro appears, reads go to a standby, no acknowledged commit lost", async () => {
    const { writer } = await edit("replicated-to-read-split", replicatedStack({ topology: "read-split", appPort: APP_PORT }), DATA);
    expect(await lostCommits(writer, DATA)).toEqual([]);
    expect(writer.flipFlops()).toEqual([]);
    expect((await swarm.stackServices(STACK)).map((service) => service.Spec.Name)).toContain(`${STACK}_db-ro`);
    const { appTargets } = require("../harness/chaos") as typeof import("../harness/chaos");
    const [target] = await appTargets(STACK, APP_PORT);
    const whoami = await swarm.eventually(async () => {
      const body = (await (await fetch(`${target}/whoami`, { signal: AbortSignal.timeout(5000) })).json()) as { role?: string; route?: string };
      if (body.role !== "standby") throw new Error(`a read answered from ${JSON.stringify(body)}`);
      return body;
    }, 60_000);
    expect(whoami).toMatchObject({ role: "standby", route: "read" });
  });

  it("read-split → replicated: db-ro goes, no acknowledged commit lost", async () => {
    const { writer } = await edit("read-split-to-replicated", replicatedStack({ appPort: APP_PORT }), DATA);
    expect(await lostCommits(writer, DATA)).toEqual([]);
    expect((await swarm.stackServices(STACK)).map((service) => service.Spec.Name)).not.toContain(`${STACK}_db-ro`);
  });

  /** Each data member's running task: a DB service that was replaced or restarted shows a new one. */
  const memberTasks = async () =>
    Object.fromEntries(await Promise.all(DATA.map(async (member) => [member, (await swarm.runningTasks(`${STACK}_${member}`)).map((task) => task.taskId)])));

  it("db-rw routers 2 → 3: a router on every node, no DB member restarted, no acknowledged commit lost", async () => {
    const before = await memberTasks();
    const { writer } = await edit("routers-2-to-3", replicatedStack({ routerReplicas: ROUTERS, appPort: APP_PORT }), DATA);
    expect(await lostCommits(writer, DATA)).toEqual([]);
    const routers = await swarm.runningTasks(`${STACK}_db-rw`);
    expect(new Set(routers.map((router) => router.node)).size).toBe(3);
    expect(await memberTasks()).toEqual(before);
  });

  it("credentialsRotation 0 → 1 → 2: the idle slot gets a new password, then the app switches to it; no member restarted, no write failed, no acknowledged commit lost", async () => {
    const membersBefore = await memberTasks();
    const webTasks = async () => (await swarm.runningTasks(`${STACK}_web`)).map((task) => task.taskId).sort();
    const webBefore = await webTasks();
    const repository = async () => (await swarm.runningTasks(`${STACK}_backup-repo`))[0];
    const slotDigest = async (credential: string) => {
      const task = await repository();
      return (await swarm.execIn(task.node, task.containerId, ["sha256sum", `/run/secrets/pgswarm-${credential}-password`])).split(" ")[0];
    };
    /** Logs in through db-rw as a slot's role with the password its secret holds now (from the repository's container, on the DB network). */
    const loginAs = async (role: string, credential: string) => {
      const task = await repository();
      const login = `PGPASSWORD="$(cat /run/secrets/pgswarm-${credential}-password)" psql -XAtq "host=db-rw user=${role} dbname=app connect_timeout=3" -c "SELECT session_user || ' as ' || current_user"`;
      return (await swarm.execIn(task.node, task.containerId, ["bash", "-c", login], 10_000)).trim();
    };
    const whoami = async () => {
      const { appTargets } = require("../harness/chaos") as typeof import("../harness/chaos");
      const [target] = await appTargets(STACK, APP_PORT);
      return (await (await fetch(`${target}/whoami`, { signal: AbortSignal.timeout(5000) })).json()) as { user?: string; login?: string };
    };
    const failedWrites = (writer: WriterClass) => writer.attempts.filter((attempt) => !attempt.ok).map((attempt) => `${attempt.target}: ${attempt.error}`);

    // Step 1: slot 1 (app_b) gets a new password; the app is left alone and keeps logging in as app.
    const slot1Before = await slotDigest("app-b");
    const step1 = await edit("credentials-rotation-step-1", replicatedStack({ routerReplicas: ROUTERS, credentialsRotation: 1, appPort: APP_PORT }), DATA, {
      retryRefused: true,
      until: () => swarm.eventually(() => loginAs("app_b", "app-b"), 60_000),
    });
    expect(await slotDigest("app-b")).not.toBe(slot1Before);
    expect(await loginAs("app_b", "app-b")).toBe("app_b as app");
    expect(failedWrites(step1.writer)).toEqual([]);
    expect(await webTasks()).toEqual(webBefore);
    expect(await whoami()).toMatchObject({ user: "app", login: "app" });

    // Step 2: the app switches to slot 1, whose password has been in force since step 1: no request fails.
    const step2 = await edit("credentials-rotation-step-2", replicatedStack({ routerReplicas: ROUTERS, credentialsRotation: ROTATED, appPort: APP_PORT }), DATA, {
      retryRefused: true,
      until: () =>
        swarm.eventually(async () => {
          const answer = await whoami();
          if (answer.login !== "app_b") throw new Error(`the app still logs in as ${answer.login}`);
        }, 120_000),
    });
    expect(failedWrites(step2.writer)).toEqual([]);
    expect(await whoami()).toMatchObject({ user: "app", login: "app_b" });
    // Rows it writes as app_b belong to the same owner as before.
    expect(await cluster.psql((await cluster.primary(STACK, DATA))!, "SELECT tableowner FROM pg_tables WHERE tablename = 'items'")).toBe("app");
    expect(await lostCommits(step1.writer, DATA)).toEqual([]);
    expect(await lostCommits(step2.writer, DATA)).toEqual([]);
    expect(await memberTasks()).toEqual(membersBefore);
  });

  // Two settings in one edit (one rolling restart, which keeps the suite's time in CI's budget).
  it("synchronous quorum → off and walArchiving on → off: commits stop waiting for a standby, nothing is archived, no acknowledged commit lost", async () => {
    const primaryBefore = (await cluster.primary(STACK, DATA))!;
    expect(await cluster.psql(primaryBefore, "SHOW synchronous_standby_names")).toMatch(/^ANY 1 \(/);
    expect(await cluster.psql(primaryBefore, "SHOW archive_command")).toMatch(/pgswarm-wal/);
    const { writer } = await edit(
      "synchronous-and-archiving-off",
      replicatedStack({ routerReplicas: ROUTERS, synchronous: "off", walArchiving: "off", credentialsRotation: ROTATED, appPort: APP_PORT }),
      DATA,
    );
    expect(await lostCommits(writer, DATA)).toEqual([]);
    expect(writer.flipFlops()).toEqual([]);
    const primaryAfter = (await cluster.primary(STACK, DATA))!;
    expect(await cluster.psql(primaryAfter, "SHOW synchronous_standby_names")).toBe("");
    expect(await cluster.psql(primaryAfter, "SHOW archive_command")).toBe("/bin/true");
  });

  it("replicated → standalone after a switchover to pgnode1: the other members go, their volumes stay, no acknowledged commit lost", async () => {
    const current = await cluster.primary(STACK, DATA);
    if (current?.name !== "pgnode1") {
      const { execFileSync } = require("child_process") as typeof import("child_process");
      const { nodeHost, MANAGER } = require("../harness/testbed") as typeof import("../harness/testbed");
      execFileSync(process.execPath, ["--import", "tsx", "tools/switchover.ts", STACK, "pgnode1"], { env: { ...process.env, DOCKER_HOST: nodeHost(MANAGER) }, timeout: 120_000 });
    }
    const { writer, leader } = await edit("replicated-to-standalone", standalone(ROTATED), ["pgnode1"]);
    expect(leader).toBe("pgnode1");
    expect(await lostCommits(writer, ["pgnode1"])).toEqual([]);
    const services = (await swarm.stackServices(STACK)).map((service) => service.Spec.Name);
    expect(services).not.toContain(`${STACK}_pgnode2`);
    expect(services).not.toContain(`${STACK}_pgnode3`);
    const volumes = (await swarm.volumesOn(STACK)).map((volume) => volume.name).sort();
    // One repository volume: the backup repository never moved, whatever the topology (its archive is whole).
    expect(volumes).toEqual([`${STACK}_backup-repo_data`, `${STACK}_pgnode1_data`, `${STACK}_pgnode2_data`, `${STACK}_pgnode3_data`]);
  });
});
