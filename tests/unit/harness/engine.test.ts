/**
 * The harness's `pulumi up` on the real program (the e2e standalone stack and
 * staging) with an in-memory swarm: which writes each config edit makes, in
 * which order, and that a second run writes nothing.
 */
import { standaloneStack } from "../../e2e/stacks";
import { Engine } from "../../harness/engine";
import { TYPES } from "../../harness/providerSchema";
import { dependenciesOf } from "../../harness/steps";
import type { ChangeSummary } from "../../harness/summary";
import { stackFileConfig } from "../../helpers/stacks";
import { FakeSwarm, MemoryStore } from "./fakeSwarm";

jest.setTimeout(120_000);

let names = 0;

/** One `pulumi up`: a fresh runtime, the program, the deletes. */
async function up(store: MemoryStore, swarm: FakeSwarm, config: Record<string, unknown>, stack = "e2e"): Promise<ChangeSummary> {
  jest.resetModules();
  const { runProgram } = require("../../../tools/lib/mockRun") as typeof import("../../../tools/lib/mockRun");
  const engine = new Engine(store, swarm, { autoName: (name) => `${name}-${String(++names).padStart(7, "0")}` });
  swarm.writes.length = 0;
  const result = await runProgram(stack, config, engine.apply);
  if (result.errors.length > 0) throw new Error(result.errors.map((error) => `${error.name}: ${error.message}`).join("\n"));
  return engine.finish();
}

const withNetworks = (networks: Record<string, unknown>) => ({ ...standaloneStack(), "pgswarm:networks": networks });
const dockerNames = (entries: Array<{ dockerName?: string }>) => entries.map((entry) => entry.dockerName).sort();

describe("the e2e standalone stack", () => {
  let store: MemoryStore;
  let swarm: FakeSwarm;
  let first: ChangeSummary;
  beforeAll(async () => {
    store = new MemoryStore();
    swarm = new FakeSwarm();
    first = await up(store, swarm, standaloneStack());
  });
  const position = (write: string) => {
    const index = swarm.writes.indexOf(write);
    if (index < 0) throw new Error(`no "${write}" in:\n${swarm.writes.join("\n")}`);
    return index;
  };

  // 9 passwords, 10 secrets (8 passwords: two rotation slots for each login; the app's pgpass, the agents' key), 2 networks,
  // 6 configs (4 shared, repmgr.conf, haproxy.cfg), 3 services, 3 nodes' labels; and the backup repository:
  // 8 TLS resources (the CA's key and certificate; a key, request and certificate for pgnode1 and the repository),
  // 5 secrets (the CA, a certificate and key each), 3 configs (the members' restore conf, the repository's conf and
  // backups.json), 1 service.
  const RESOURCES = 33 + 8 + 5 + 3 + 1;

  it("the first run creates everything once", () => {
    expect(first.changes).toBe(RESOURCES);
    expect(first.created).toHaveLength(RESOURCES);
    expect(dockerNames(first.created.filter((entry) => entry.type === "Service")).sort()).toEqual(["e2e_backup-repo", "e2e_db-rw", "e2e_pgnode1", "e2e_web"]);
  });

  it("the state lists each resource after everything it depends on", () => {
    const seen = new Set<string>();
    for (const resource of store.data.resources) {
      for (const urn of dependenciesOf(resource)) expect(seen.has(urn) || !store.data.resources.some((other) => other.urn === urn)).toBe(true);
      seen.add(resource.urn);
    }
    expect(store.data.resources).toHaveLength(RESOURCES);
  });

  it("a second run with the same config changes nothing and writes nothing", async () => {
    const again = await up(store, swarm, standaloneStack());
    expect(again.changes).toBe(0);
    expect(again.same).toHaveLength(RESOURCES);
    expect(swarm.writes).toEqual([]);
  });

  it("more app replicas: web updated in place, nothing else written", async () => {
    const summary = await up(store, swarm, standaloneStack({ appReplicas: 2 }));
    expect(summary.updated).toEqual([expect.objectContaining({ dockerName: "e2e_web", changed: ["mode.replicated.replicas"] })]);
    expect(swarm.writes).toEqual(["update Service e2e_web"]);
  });

  it("a new DB subnet replaces the DB network: its services are deleted first and created again after it", async () => {
    const summary = await up(store, swarm, withNetworks({ encrypted: false, dbSubnet: "10.99.1.0/24" }));
    expect(summary.replaced.find((entry) => entry.type === "Network")).toMatchObject({ dockerName: "e2e_db", reasons: ["ipamConfigs"], deleteBeforeReplace: true });
    for (const service of ["e2e_pgnode1", "e2e_web"]) {
      expect(summary.replaced.find((entry) => entry.dockerName === service)).toMatchObject({ reasons: ["taskSpec"], cause: "e2e-net-db" });
      expect(position(`delete Service ${service}`)).toBeLessThan(position("delete Network e2e_db"));
      expect(position("create Network e2e_db")).toBeLessThan(position(`create Service ${service}`));
    }
    expect(position("delete Network e2e_db")).toBeLessThan(position("create Network e2e_db"));
    expect(swarm.writes.filter((write) => write.includes("e2e_app"))).toEqual([]);
    // pg_hba.conf admits the new subnet: a new config, the old one deleted last.
    expect(summary.replaced.find((entry) => entry.resource === "e2e-pg-pg-hba")).toMatchObject({ reasons: ["data"], deleteBeforeReplace: false });
    expect(swarm.writes.at(-1)).toMatch(/^delete ServiceConfig e2e-pg-pg-hba-/);
  });

  it("encrypting the networks replaces both, each after deleting the services on it", async () => {
    const summary = await up(store, swarm, withNetworks({ encrypted: true, dbSubnet: "10.99.1.0/24" }));
    expect(dockerNames(summary.replaced.filter((entry) => entry.type === "Network"))).toEqual(["e2e_app", "e2e_db"]);
    expect(position("delete Service e2e_web")).toBeLessThan(position("delete Network e2e_app"));
    expect(position("delete Service e2e_pgnode1")).toBeLessThan(position("delete Network e2e_db"));
    expect(swarm.writes.filter((write) => write === "delete Service e2e_web")).toHaveLength(1);
    expect(summary.replaced.map((entry) => entry.reasons)).toContainEqual(["options"]);
  });

  it("a changed postgresql.conf: a new config created before pgnode1 is updated in place, the old one deleted after", async () => {
    const settings = { ...standaloneStack()["pgswarm:database"] as object, settings: { work_mem: "8MB" } };
    const summary = await up(store, swarm, { ...withNetworks({ encrypted: true, dbSubnet: "10.99.1.0/24" }), "pgswarm:database": settings });
    expect(summary.replaced).toEqual([expect.objectContaining({ resource: "e2e-pg-postgresql-conf", reasons: ["data"], deleteBeforeReplace: false })]);
    expect(summary.updated).toEqual([expect.objectContaining({ dockerName: "e2e_pgnode1", changed: ["taskSpec.containerSpec.configs"] })]);
    const created = swarm.writes.find((write) => write.startsWith("create ServiceConfig"))!;
    expect(position(created)).toBeLessThan(position("update Service e2e_pgnode1"));
    expect(swarm.writes.at(-1)).toMatch(/^delete ServiceConfig e2e-pg-postgresql-conf-/);
    expect(summary.deleted).toEqual([]);
  });

  it("a credentials rotation step replaces the slot's passwords and secrets, updates the repository alone, and a second run changes nothing", async () => {
    const config = { ...withNetworks({ encrypted: true, dbSubnet: "10.99.1.0/24" }), "pgswarm:database": { ...standaloneStack()["pgswarm:database"] as object, settings: { work_mem: "8MB" } } };
    const rotated = { ...config, "pgswarm:database": { ...(config["pgswarm:database"] as object), credentialsRotation: 1 } };
    const summary = await up(store, swarm, rotated);
    expect(summary.replaced.map((entry) => entry.resource).sort()).toEqual([
      "e2e-cred-app-b-password",
      "e2e-cred-app-b-password",
      "e2e-cred-reader-b-password",
      "e2e-cred-reader-b-password",
    ]);
    expect(summary.updated.map((entry) => entry.dockerName)).toEqual(["e2e_backup-repo"]);
    const again = await up(store, swarm, rotated);
    expect(again.changes).toBe(0);
    expect(swarm.writes).toEqual([]);
    // Back to the config the next test edits.
    await up(store, swarm, config);
  });

  it("a service the stack no longer declares is deleted, and nothing else is written", async () => {
    const config = { ...withNetworks({ encrypted: true, dbSubnet: "10.99.1.0/24" }), "pgswarm:database": { ...standaloneStack()["pgswarm:database"] as object, settings: { work_mem: "8MB" } } };
    const summary = await up(store, swarm, { ...config, "pgswarm:services": {} });
    expect(summary.deleted).toEqual([expect.objectContaining({ dockerName: "e2e_web", reason: "undeclared" })]);
    expect(swarm.writes).toEqual(["delete Service e2e_web"]);
  });
});

describe("drift", () => {
  it("a service removed by hand is reported, not recreated, and the run writes nothing", async () => {
    const store = new MemoryStore();
    const swarm = new FakeSwarm();
    await up(store, swarm, standaloneStack());
    swarm.removeByHand("e2e_web");
    const summary = await up(store, swarm, standaloneStack());
    expect(summary.drift).toEqual([expect.objectContaining({ resource: "e2e-app-web", dockerName: "e2e_web", during: "same" })]);
    expect(summary.changes).toBe(0);
    expect(swarm.writes).toEqual([]);
  });

  it("updating a service removed by hand fails, as the provider's update does", async () => {
    const store = new MemoryStore();
    const swarm = new FakeSwarm();
    await up(store, swarm, standaloneStack());
    swarm.removeByHand("e2e_web");
    await expect(up(store, swarm, standaloneStack({ appReplicas: 3 }))).rejects.toThrow(/Service e2e-app-web \(e2e_web\): .* was deleted outside the stack/);
  });
});

describe("staging (replicated: three DB members and a router)", () => {
  it("creates, then changes nothing on a second run; passwords survive", async () => {
    const store = new MemoryStore();
    const swarm = new FakeSwarm();
    const first = await up(store, swarm, stackFileConfig("staging"), "staging");
    const passwords = store.data.resources.filter((resource) => resource.type === TYPES.randomPassword).map((resource) => resource.outputs.result);
    expect(first.created.filter((entry) => entry.type === "Service")).toHaveLength(6);
    const again = await up(store, swarm, stackFileConfig("staging"), "staging");
    expect(again.changes).toBe(0);
    expect(store.data.resources.filter((resource) => resource.type === TYPES.randomPassword).map((resource) => resource.outputs.result)).toEqual(passwords);
  });
});
