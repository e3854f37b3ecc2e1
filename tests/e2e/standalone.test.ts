/**
 * The standalone topology on a real three-node swarm: the real program applied
 * through the Engine API, real PostgreSQL, the demo app as the client.
 */
import { REPO_PATH, STANZA } from "../../components/contract";
import type { Deployment } from "../harness/deploy";
import { NODE_ADDRESS, requireTestbed, type NodeName } from "../harness/testbed";
import { DEMO_PORT, standaloneStack } from "./stacks";
import { deployTwice } from "./support";

jest.setTimeout(600_000);
const STACK = "e2e";
let harness: typeof import("../harness/deploy");
let swarm: typeof import("../harness/swarm");
let deployment: Deployment;

/**
 * Deploys, then deploys the same config again, which must change nothing (no
 * perpetual diff). A fresh module registry per run: the program needs a fresh Pulumi runtime.
 */
async function deployStack(config: Record<string, unknown>): Promise<Deployment> {
  const deployed = await deployTwice(STACK, config);
  harness = require("../harness/deploy");
  swarm = require("../harness/swarm");
  return deployed;
}

async function appNodes(): Promise<NodeName[]> {
  return (await swarm.runningTasks(`${STACK}_web`)).map((task) => task.node);
}

async function api(path: string, init?: RequestInit): Promise<any> {
  const [node] = await appNodes();
  const response = await fetch(`http://${NODE_ADDRESS[node]}:${DEMO_PORT}${path}`, { ...init, signal: AbortSignal.timeout(5000) });
  const body = await response.json();
  if (!response.ok) throw new Error(`${init?.method ?? "GET"} ${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}
const post = (value: string) => api("/items", { method: "POST", body: JSON.stringify({ value }), headers: { "content-type": "application/json" } });
const values = async () => (await api("/items")).map((item: { value: string }) => item.value);
let appPasswordBefore: string;

/** A digest of the application's password as the app has it mounted (the password itself stays in the container). */
async function appPasswordDigest(): Promise<string> {
  const [web] = await swarm.runningTasks(`${STACK}_web`);
  return (await swarm.execIn(web.node, web.containerId, ["sha256sum", "/run/secrets/pgswarm-app-password"])).split(" ")[0];
}

beforeAll(async () => {
  await requireTestbed();
  jest.resetModules();
  await require("../harness/deploy").destroy(STACK, { volumes: true });
  deployment = await deployStack(standaloneStack());
  await swarm.waitConverged(STACK);
});

afterAll(async () => {
  if (!process.env.PGSWARM_E2E_KEEP) await require("../harness/deploy").destroy(STACK, { volumes: true });
});

describe("standalone on a 3-node swarm", () => {
  it("converges: every task running and healthy, pgnode1 on its labelled node only", async () => {
    const services = (await swarm.stackServices(STACK)).map((service) => service.Spec.Name).sort();
    expect(services).toEqual([`${STACK}_backup-repo`, `${STACK}_db-rw`, `${STACK}_pgnode1`, `${STACK}_web`]);
    const pgnode = await swarm.runningTasks(`${STACK}_pgnode1`);
    expect(pgnode.map((task) => task.node)).toEqual(["pgw1"]);
    // Only role=app nodes carry the app.
    for (const node of await appNodes()) expect(["pgm", "pgw2"]).toContain(node);
  });

  it("puts the node labels on the nodes", async () => {
    expect(await swarm.nodeLabels("pgw1")).toMatchObject({ [`pgswarm.${STACK}.pgnode`]: "1" });
    expect(await swarm.nodeLabels("pgw2")).toMatchObject({ role: "app" });
    expect(await swarm.nodeLabels("pgm")).toMatchObject({ role: "app" });
  });

  it("the demo app writes through db-rw and reads back, from pgnode1 as primary", async () => {
    await swarm.eventually(() => post("before-restart"));
    expect(await values()).toEqual(["before-restart"]);
    expect(await api("/whoami")).toMatchObject({ node: "pgnode1", role: "primary", endpoint: "db-rw" });
  });

  it("keeps the rows when the pgnode1 container is killed: Swarm restarts it on the same node", async () => {
    const [before] = await swarm.runningTasks(`${STACK}_pgnode1`);
    const { dockerOn } = require("../harness/testbed");
    await dockerOn(before.node).getContainer(before.containerId).kill();
    const after = await swarm.eventually(async () => {
      const [task] = await swarm.runningTasks(`${STACK}_pgnode1`);
      if (!task || task.taskId === before.taskId) throw new Error("pgnode1 not restarted yet");
      return task;
    }, 120_000);
    expect(after.node).toBe("pgw1");
    expect(await swarm.eventually(values, 60_000)).toEqual(["before-restart"]);
    // The app's pooled connections from before the kill may fail once; the row must then be there exactly once.
    await swarm.eventually(() => post("after-restart"), 30_000);
    expect(await values()).toEqual(["before-restart", "after-restart"]);
  });

  it("keeps the data and leaves the database alone when a redeploy changes the app's replicas", async () => {
    const [dbBefore] = await swarm.runningTasks(`${STACK}_pgnode1`);
    deployment = await deployStack(standaloneStack({ appReplicas: 2 }));
    await swarm.waitConverged(STACK);
    expect(await swarm.runningTasks(`${STACK}_web`)).toHaveLength(2);
    expect(new Set(await appNodes())).toEqual(new Set(["pgm", "pgw2"]));
    const [dbAfter] = await swarm.runningTasks(`${STACK}_pgnode1`);
    expect(dbAfter.taskId).toBe(dbBefore.taskId);
    expect(deployment.pruned).toEqual([]);
    expect(await values()).toEqual(["before-restart", "after-restart"]);
  });

  it("mounts secrets as files and shows no password in any service's env, args or labels", async () => {
    const passwords = deployment.applier.passwords;
    // superuser, replication, monitor, exporter, both slots of app and reader, and the agents' key.
    expect(passwords).toHaveLength(9);
    const specs = JSON.stringify(await swarm.stackServices(STACK));
    for (const password of passwords) expect(specs).not.toContain(password);

    const [db] = await swarm.runningTasks(`${STACK}_pgnode1`);
    const listing = await swarm.execIn(db.node, db.containerId, ["ls", "/run/secrets"]);
    // The applications' logins are not a member's: the repository's login keeper sets them (a rotation restarts no member).
    expect(listing.split("\n").filter(Boolean).sort()).toEqual([
      "pgswarm-agent-key-password",
      "pgswarm-exporter-password",
      "pgswarm-monitor-password",
      "pgswarm-replication-password",
      "pgswarm-superuser-password",
      "pgswarm-tls-ca.crt",
      "pgswarm-tls.crt",
      "pgswarm-tls.key",
    ]);
    const env = await swarm.execIn(db.node, db.containerId, ["env"]);
    for (const password of passwords) expect(env).not.toContain(password);

    // pgBackRest's keys (the CA's, pgnode1's, the repository's) reach containers as secret files only.
    const keys = deployment.applier.privateKeys.map((pem) => pem.split("\n").filter((line) => line && !line.startsWith("-----")).join(""));
    expect(keys).toHaveLength(3);
    for (const key of keys) expect(specs.replace(/\\n/g, "")).not.toContain(key.slice(0, 40));
    const [repo] = await swarm.runningTasks(`${STACK}_backup-repo`);
    const repoSecrets = await swarm.execIn(repo.node, repo.containerId, ["ls", "/run/secrets"]);
    expect(repoSecrets.split("\n").filter(Boolean).sort()).toEqual([
      "pgswarm-agent-key-password",
      "pgswarm-app-b-password",
      "pgswarm-app-password",
      "pgswarm-reader-b-password",
      "pgswarm-reader-password",
      "pgswarm-tls-ca.crt",
      "pgswarm-tls.crt",
      "pgswarm-tls.key",
    ]);
    expect((await swarm.execIn(repo.node, repo.containerId, ["stat", "-c", "%a %u", "/run/secrets/pgswarm-tls.key"])).trim()).toBe("400 999");
    const repoEnv = await swarm.execIn(repo.node, repo.containerId, ["env"]);
    // Neither a password nor a key in any log line of the members or the repository.
    const { memberLogs } = require("../harness/cluster") as typeof import("../harness/cluster");
    const logs = `${await memberLogs(STACK, "pgnode1")}\n${await memberLogs(STACK, "backup-repo")}`;
    for (const secret of [...passwords, ...keys.map((key) => key.slice(0, 40))]) {
      expect(repoEnv).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }

    const [web] = await swarm.runningTasks(`${STACK}_web`);
    // A rw service gets the application's credentials only, never the reader's.
    const webSecrets = await swarm.execIn(web.node, web.containerId, ["ls", "/run/secrets"]);
    expect(webSecrets.split("\n").filter(Boolean).sort()).toEqual(["pgswarm-app-password", "pgswarm-app-pgpass"]);
    const pgpass = await swarm.execIn(web.node, web.containerId, ["stat", "-c", "%a %u", "/run/secrets/pgswarm-app-pgpass"]);
    expect(pgpass.trim()).toBe("400 1000");
    const appPassword = await swarm.execIn(web.node, web.containerId, ["cat", "/run/secrets/pgswarm-app-password"]);
    expect(passwords).toContain(appPassword);
  });

  it("archives WAL through pgBackRest into the stack's repository service: the switched segment is in its volume", async () => {
    const [db] = await swarm.runningTasks(`${STACK}_pgnode1`);
    const [repo] = await swarm.runningTasks(`${STACK}_backup-repo`);
    const sql = async (query: string) =>
      (await swarm.execIn(db.node, db.containerId, ["psql", "-XAtq", "-h", "/var/run/postgresql", "-U", "postgres", "-c", query])).trim();
    // A transaction writes WAL, so the switch completes a segment that holds something.
    await sql("SELECT txid_current()");
    const segment = await sql("SELECT pg_walfile_name(pg_switch_wal())");
    expect(segment).toMatch(/^[0-9A-F]{24}$/);
    // pg_stat_archiver would count the segment as archived with archive_command = /bin/true: ask the repository itself.
    const covering = await swarm.eventually(async () => {
      const info = JSON.parse(await swarm.execIn(repo.node, repo.containerId, ["pgbackrest", `--stanza=${STANZA}`, "--log-level-console=off", "--output=json", "info"]));
      const ranges: Array<{ min?: string; max?: string }> = info[0]?.archive ?? [];
      const found = ranges.find((range) => range.min !== undefined && range.max !== undefined && range.min <= segment && segment <= range.max);
      if (!found) throw new Error(`${segment} is not in the archive yet: ${JSON.stringify(ranges)}`);
      return found;
    }, 60_000);
    expect(covering.min! <= segment && segment <= covering.max!).toBe(true);
    const stored = await swarm.execIn(repo.node, repo.containerId, ["find", `${REPO_PATH}/archive/${STANZA}`, "-name", `${segment}-*`]);
    expect(stored.split("\n").filter(Boolean)).toHaveLength(1);
  });

  it("tearing down leaves no service, config, secret or node label behind, and keeps the volume", async () => {
    appPasswordBefore = await appPasswordDigest();
    const removed = await harness.destroy(STACK);
    expect(removed.length).toBeGreaterThan(0);
    const { dockerOn, MANAGER } = require("../harness/testbed");
    const manager = dockerOn(MANAGER);
    const filters = { filters: { label: [`pgswarm.stack=${STACK}`] } };
    expect(await manager.listServices(filters)).toEqual([]);
    expect(await manager.listSecrets(filters)).toEqual([]);
    expect(await manager.listConfigs(filters)).toEqual([]);
    expect(await manager.listNetworks(filters)).toEqual([]);
    // A dotted key given to toHaveProperty reads as a nested path and never matches: compare the keys themselves.
    expect(Object.keys(await swarm.nodeLabels("pgw1"))).not.toContain(`pgswarm.${STACK}.pgnode`);
    // The data and the backups stay (the repository sits on the only node marked backups: true).
    const kept = (await swarm.volumesOn(STACK)).sort((a, b) => a.name.localeCompare(b.name));
    expect(kept).toEqual([
      { node: "pgw1", name: `${STACK}_backup-repo_data` },
      { node: "pgw1", name: `${STACK}_pgnode1_data` },
    ]);
  });

  it("up again on the kept volume: new passwords, and the app works with no manual step and finds its rows", async () => {
    deployment = await deployStack(standaloneStack({ appReplicas: 2 }));
    await swarm.waitConverged(STACK);
    // A new state generates new passwords; the roles in the kept data directory must follow the new secrets.
    expect(await appPasswordDigest()).not.toBe(appPasswordBefore);
    expect(await swarm.eventually(values, 60_000)).toEqual(["before-restart", "after-restart"]);
    await swarm.eventually(() => post("after-redeploy"), 30_000);
    expect(await values()).toEqual(["before-restart", "after-restart", "after-redeploy"]);
  });
});
