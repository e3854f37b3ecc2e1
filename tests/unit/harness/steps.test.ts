/**
 * The engine's step generation, on small hand-made states: what each
 * registration turns into and in which order deletes come.
 */
import { diffInputs } from "../../harness/diff";
import { TYPES } from "../../harness/providerSchema";
import { Planner, ProtectedError, type DiffFn, type Registration, type Step, type StoredResource } from "../../harness/steps";

const diff: DiffFn = async (type, olds, news, context) => diffInputs(type, olds, news, { explicitName: context.explicitName });
let names = 0;
const planner = (snapshot: StoredResource[], pending: StoredResource[] = []) => new Planner(snapshot, pending, { diff, autoName: (name) => `${name}-new${++names}` });

const network = (name: string, subnet: string): Record<string, any> => ({ name, driver: "overlay", ipamConfigs: [{ subnet }] });
const service = (name: string, networkId: string, extra: Record<string, any> = {}): Record<string, any> => ({
  name,
  mode: { replicated: { replicas: 1 } },
  taskSpec: { containerSpec: { image: "app:1" }, networksAdvanceds: [{ id: networkId }] },
  ...extra,
});

function stored(urn: string, type: string, inputs: Record<string, any>, deps: { inputs?: Record<string, string[]>; dependsOn?: string[]; options?: StoredResource["options"] } = {}): StoredResource {
  const propertyDependencies = deps.inputs ?? {};
  return {
    urn,
    type,
    name: urn,
    id: `${urn}-id`,
    inputs,
    outputs: { ...inputs },
    dependencies: [...new Set([...(deps.dependsOn ?? []), ...Object.values(propertyDependencies).flat()])],
    propertyDependencies,
    options: deps.options ?? {},
  };
}
const registration = (resource: StoredResource, inputs = resource.inputs, options: Registration["options"] = {}): Registration => ({
  urn: resource.urn,
  type: resource.type,
  name: resource.name,
  inputs,
  dependencies: resource.dependencies,
  propertyDependencies: resource.propertyDependencies,
  options,
});
/** "delete db (dependent)", "replace db", ... */
const shape = (steps: Step[]) =>
  steps.map((step) => (step.op === "delete" ? `delete ${step.old.urn} (${step.reason})` : `${step.op} ${step.reg.urn}`));

// db network ← pg and web (their taskSpec holds its id); app only dependsOn it; backup's data comes from pg.
const db = stored("db", TYPES.network, network("s_db", "10.1.0.0/24"));
const pg = stored("pg", TYPES.service, service("s_pg", "db-id"), { inputs: { taskSpec: ["db"] } });
const web = stored("web", TYPES.service, service("s_web", "db-id"), { inputs: { taskSpec: ["db"] } });
const app = stored("app", TYPES.service, { ...service("s_app", "other-id") }, { dependsOn: ["db"] });
const backup = stored("backup", TYPES.secret, { name: "backup-abc", data: "eA==" }, { inputs: { data: ["pg"] } });
const snapshot = [db, pg, web, app, backup];

describe("delete-before-replace with dependents", () => {
  it("deletes every dependent the provider would replace, in reverse dependency order, then the resource; then creates it", async () => {
    const plan = planner(snapshot);
    const steps = await plan.plan(registration(db, network("s_db", "10.2.0.0/24")));
    expect(shape(steps)).toEqual(["delete backup (dependent)", "delete web (dependent)", "delete pg (dependent)", "delete db (replaced)", "replace db"]);
    expect(steps[4]).toMatchObject({ reasons: ["ipamConfigs"], deleteBeforeReplace: true });
  });

  it("a resource that only dependsOn it is left alone: none of its inputs change", async () => {
    const plan = planner(snapshot);
    const steps = await plan.plan(registration(db, network("s_db", "10.2.0.0/24")));
    expect(shape(steps)).not.toContain("delete app (dependent)");
    expect(shape(await plan.plan(registration(app)))).toEqual(["same app"]);
  });

  it("recreates each dependent when it registers, with the keys that forced it", async () => {
    const plan = planner(snapshot);
    await plan.plan(registration(db, network("s_db", "10.2.0.0/24")));
    const steps = await plan.plan(registration(pg, service("s_pg", "db-id-2")));
    expect(steps).toEqual([expect.objectContaining({ op: "replace", reasons: ["taskSpec"], deleteBeforeReplace: true, cause: "db" })]);
  });

  it("a dependent the program no longer declares stays deleted: finish does not delete it twice", async () => {
    const plan = planner(snapshot);
    await plan.plan(registration(db, network("s_db", "10.2.0.0/24")));
    for (const resource of [pg, web, app]) await plan.plan(registration(resource));
    expect(shape(plan.finish())).toEqual([]);
  });

  it("a resource already registered in this run is no dependent any more", async () => {
    const plan = planner(snapshot);
    await plan.plan(registration(web, service("s_web", "db-id")));
    const steps = await plan.plan(registration(db, network("s_db", "10.2.0.0/24")));
    expect(shape(steps)).not.toContain("delete web (dependent)");
  });

  it("a protected dependent stops the replacement", async () => {
    const guarded = stored("pg", TYPES.service, pg.inputs, { inputs: { taskSpec: ["db"] }, options: { protect: true } });
    await expect(planner([db, guarded]).plan(registration(db, network("s_db", "10.2.0.0/24")))).rejects.toThrow(ProtectedError);
  });
});

describe("one registration", () => {
  it("new: create; an auto-named one gets a fresh name", async () => {
    const secret = stored("secret", TYPES.secret, { data: "eA==" });
    const [step] = await planner([]).plan(registration(secret));
    expect(step).toMatchObject({ op: "create", inputs: { data: "eA==", name: expect.stringMatching(/^secret-new\d+$/) } });
  });

  it("unchanged auto-named: same, keeping its old name", async () => {
    const secret = stored("secret", TYPES.secret, { name: "secret-abc1234", data: "eA==" });
    const [step] = await planner([secret]).plan(registration(secret, { data: "eA==" }));
    expect(step).toMatchObject({ op: "same", inputs: { name: "secret-abc1234" } });
  });

  it("changed auto-named: replaced under a new name, create-before-delete, the old one deleted at the end", async () => {
    const secret = stored("secret", TYPES.secret, { name: "secret-abc1234", data: "eA==" });
    const plan = planner([secret]);
    const steps = await plan.plan(registration(secret, { data: "eQ==" }));
    expect(steps).toEqual([expect.objectContaining({ op: "replace", reasons: ["data"], deleteBeforeReplace: false })]);
    expect((steps[0] as Extract<Step, { op: "replace" }>).inputs.name).not.toBe("secret-abc1234");
    expect(shape(plan.finish())).toEqual(["delete secret (replaced)"]);
  });

  it("an updatable change: update, with the changed paths", async () => {
    const [step] = await planner(snapshot).plan(registration(web, service("s_web", "db-id", { mode: { replicated: { replicas: 3 } } })));
    expect(step).toMatchObject({ op: "update", changed: ["mode.replicated.replicas"] });
  });

  it("replaceOnChanges turns an update into a replacement, create-before-delete: the bridge asks to delete first only for its own replaces", async () => {
    const news = service("s_web", "db-id", { taskSpec: { containerSpec: { image: "app:2" }, networksAdvanceds: [{ id: "db-id" }] } });
    const steps = await planner(snapshot).plan(registration(web, news, { replaceOnChanges: ["taskSpec.containerSpec.image"] }));
    // With an explicit name, Docker will refuse the second service: a program needs deleteBeforeReplace too.
    expect(steps).toEqual([expect.objectContaining({ op: "replace", reasons: ["taskSpec.containerSpec.image (replaceOnChanges)"], deleteBeforeReplace: false })]);
    const both = await planner(snapshot).plan(registration(web, news, { replaceOnChanges: ["taskSpec.containerSpec.image"], deleteBeforeReplace: true }));
    expect(shape(both)).toEqual(["delete web (replaced)", "replace web"]);
  });

  it("ignoreChanges hides a change", async () => {
    const news = service("s_web", "db-id", { mode: { replicated: { replicas: 3 } } });
    expect(shape(await planner(snapshot).plan(registration(web, news, { ignoreChanges: ["mode"] })))).toEqual(["same web"]);
  });

  it("deleteBeforeReplace: false overrides the provider for a named network: created first, deleted at the end", async () => {
    const plan = planner(snapshot);
    const steps = await plan.plan(registration(db, network("s_db", "10.2.0.0/24"), { deleteBeforeReplace: false }));
    expect(shape(steps)).toEqual(["replace db"]);
    expect(shape(plan.finish())).toContain("delete db (replaced)");
  });

  it("deleteBeforeReplace: true makes an auto-named secret delete first", async () => {
    const secret = stored("secret", TYPES.secret, { name: "secret-abc1234", data: "eA==" });
    expect(shape(await planner([secret]).plan(registration(secret, { data: "eQ==" }, { deleteBeforeReplace: true })))).toEqual([
      "delete secret (replaced)",
      "replace secret",
    ]);
  });

  it("a protected resource cannot be replaced", async () => {
    const guarded = stored("db", TYPES.network, network("s_db", "10.1.0.0/24"), { options: { protect: true } });
    await expect(planner([guarded]).plan(registration(guarded, network("s_db", "10.2.0.0/24"), { protect: true }))).rejects.toThrow(
      /unable to replace Network db: it is marked protect \(forced by ipamConfigs\)/,
    );
  });
});

describe("after the program", () => {
  it("deletes what it no longer declares, dependents first, and earlier runs' leftovers last", async () => {
    const leftover = stored("old-config", TYPES.config, { name: "c-1", data: "eA==" });
    const plan = planner(snapshot, [leftover]);
    await plan.plan(registration(app));
    expect(shape(plan.finish())).toEqual([
      "delete backup (undeclared)",
      "delete web (undeclared)",
      "delete pg (undeclared)",
      "delete db (undeclared)",
      "delete old-config (pending)",
    ]);
  });

  it("refuses to delete a protected resource", () => {
    const guarded = stored("db", TYPES.network, network("s_db", "10.1.0.0/24"), { options: { protect: true } });
    expect(() => planner([guarded]).finish()).toThrow(/unable to delete Network db: marked protect/);
  });
});
