/**
 * The applier's diff: what pulumi-docker would do with a change, on the inputs
 * the real program declares (prod: a pgnode and the web service).
 */
import { applyIgnoreChanges, diffInputs, parsePath, replaceOnChangesMatches, UNKNOWN } from "../../harness/diff";
import { TYPES } from "../../harness/providerSchema";
import { NETWORK, ofType, runStack, serviceNamed } from "../../helpers/stacks";

jest.setTimeout(60_000);

let pgnode: Record<string, any>;
let web: Record<string, any>;
let dbNetwork: Record<string, any>;
beforeAll(async () => {
  const result = await runStack("prod");
  pgnode = serviceNamed(result, "prod_pgnode1").inputs;
  web = serviceNamed(result, "prod_web").inputs;
  dbNetwork = ofType(result, NETWORK).find((network) => network.inputs.name === "prod_db")!.inputs;
});

/** A deep copy with one change made by `edit`. */
function edited<T>(inputs: T, edit: (copy: any) => void): T {
  const copy = structuredClone(inputs);
  edit(copy);
  return copy;
}
const service = (olds: Record<string, any>, news: Record<string, any>) => diffInputs(TYPES.service, olds, news, { explicitName: true });

describe("a service", () => {
  it("unchanged: no change at all", () => {
    expect(service(pgnode, structuredClone(pgnode))).toEqual({ changed: [], replaceReasons: [], deleteBeforeReplace: false });
  });

  it("its sets compare as sets: reordered constraints, secrets or labels are no change", () => {
    const reordered = edited(pgnode, (copy) => {
      copy.labels.reverse();
      copy.taskSpec.containerSpec.secrets.reverse();
      copy.taskSpec.placement.constraints = [...copy.taskSpec.placement.constraints, "node.role == worker"].reverse();
    });
    const withConstraint = edited(pgnode, (copy) => copy.taskSpec.placement.constraints.push("node.role == worker"));
    expect(service(withConstraint, reordered).changed).toEqual([]);
  });

  it("its lists keep their order: reordered command arguments are an update", () => {
    const olds = edited(web, (copy) => (copy.taskSpec.containerSpec.args = ["a", "b"]));
    const news = edited(web, (copy) => (copy.taskSpec.containerSpec.args = ["b", "a"]));
    expect(service(olds, news)).toMatchObject({ changed: ["taskSpec.containerSpec.args"], replaceReasons: [] });
  });

  it.each([
    ["replicas", (copy: any) => (copy.mode.replicated.replicas = 3), "mode.replicated.replicas"],
    ["image", (copy: any) => (copy.taskSpec.containerSpec.image = "pgswarm/postgres:18"), "taskSpec.containerSpec.image"],
    ["an env value", (copy: any) => (copy.taskSpec.containerSpec.env.PGSWARM_TOPOLOGY = "replicated"), "taskSpec.containerSpec.env"],
    ["a service label", (copy: any) => copy.labels.push({ label: "team", value: "db" }), "labels"],
    ["a secret mount (a rotated secret's new id)", (copy: any) => (copy.taskSpec.containerSpec.secrets[0].secretId = "new-id"), "taskSpec.containerSpec.secrets"],
    ["the health check", (copy: any) => (copy.taskSpec.containerSpec.healthcheck.interval = "10s"), "taskSpec.containerSpec.healthcheck.interval"],
    ["placement constraints", (copy: any) => (copy.taskSpec.placement.constraints = ["node.labels.x == 1"]), "taskSpec.placement.constraints"],
    ["the update order", (copy: any) => (copy.updateConfig.order = "start-first"), "updateConfig.order"],
  ])("a change of %s is an update in place", (_what, edit, path) => {
    expect(service(pgnode, edited(pgnode, edit))).toEqual({ changed: [path], replaceReasons: [], deleteBeforeReplace: false });
  });

  it.each([
    ["name", (copy: any) => (copy.name = "prod_pgnode9"), "name"],
    ["a network alias", (copy: any) => copy.taskSpec.networksAdvanceds[0].aliases.push("db-rw"), "taskSpec.networksAdvanceds"],
    ["the network it is attached to", (copy: any) => (copy.taskSpec.networksAdvanceds[0].id = "other-network"), "taskSpec.networksAdvanceds"],
    ["an added network", (copy: any) => copy.taskSpec.networksAdvanceds.push({ id: "app-network" }), "taskSpec.networksAdvanceds"],
    ["a container label", (copy: any) => (copy.taskSpec.containerSpec.labels = [{ label: "x", value: "y" }]), "taskSpec.containerSpec.labels"],
    ["a volume label", (copy: any) => copy.taskSpec.containerSpec.mounts[0].volumeOptions.labels.push({ label: "x", value: "y" }), "taskSpec.containerSpec.mounts"],
    ["a sysctl", (copy: any) => (copy.taskSpec.containerSpec.sysctl = { "net.core.somaxconn": "1024" }), "taskSpec.containerSpec.sysctl"],
    ["a hosts entry", (copy: any) => (copy.taskSpec.containerSpec.hosts = [{ host: "backup", ip: "10.0.0.9" }]), "taskSpec.containerSpec.hosts"],
  ])("a change of %s replaces it, deleting first (explicit name)", (_what, edit, path) => {
    expect(service(pgnode, edited(pgnode, edit))).toEqual({ changed: [path], replaceReasons: [path], deleteBeforeReplace: true });
  });

  it("a changed mount that carries volume labels is removed and added again: replace; one without labels: update", () => {
    expect(service(pgnode, edited(pgnode, (copy) => (copy.taskSpec.containerSpec.mounts[0].target = "/data"))).replaceReasons).toEqual([
      "taskSpec.containerSpec.mounts",
    ]);
    const unlabelled = edited(pgnode, (copy) => delete copy.taskSpec.containerSpec.mounts[0].volumeOptions);
    const moved = edited(unlabelled, (copy) => (copy.taskSpec.containerSpec.mounts[0].target = "/data"));
    expect(service(unlabelled, moved)).toMatchObject({ changed: ["taskSpec.containerSpec.mounts"], replaceReasons: [] });
  });

  it("an auto-named service is replaced create-before-delete", () => {
    const diff = diffInputs(TYPES.service, pgnode, edited(pgnode, (copy) => (copy.name = "other")), { explicitName: false });
    expect(diff).toMatchObject({ replaceReasons: ["name"], deleteBeforeReplace: false });
  });

  it("an Optional+Computed input left out keeps its old value: no change", () => {
    const withoutHealthcheck = edited(pgnode, (copy) => {
      delete copy.taskSpec.containerSpec.healthcheck;
      delete copy.labels;
      delete copy.endpointSpec;
    });
    expect(service(pgnode, withoutHealthcheck).changed).toEqual([]);
  });

  it("with taskSpec unknown (a network it uses is being replaced), the bridge replaces it: its old taskSpec holds a network id", () => {
    expect(service(pgnode, { ...pgnode, taskSpec: UNKNOWN })).toEqual({ changed: ["taskSpec"], replaceReasons: ["taskSpec"], deleteBeforeReplace: true });
  });

  it("with taskSpec unknown and nothing replace-forcing in it (no network, no volume labels), an update", () => {
    const detached = edited(pgnode, (copy) => {
      delete copy.taskSpec.networksAdvanceds;
      delete copy.taskSpec.containerSpec.mounts[0].volumeOptions;
    });
    expect(service(detached, { ...detached, taskSpec: UNKNOWN })).toMatchObject({ changed: ["taskSpec"], replaceReasons: [] });
  });
});

describe("a network", () => {
  const network = (olds: Record<string, any>, news: Record<string, any>) => diffInputs(TYPES.network, olds, news, { explicitName: true });

  it("unchanged: no change", () => expect(network(dbNetwork, structuredClone(dbNetwork)).changed).toEqual([]));

  it("a new subnet replaces it, deleting first", () => {
    expect(network(dbNetwork, edited(dbNetwork, (copy) => (copy.ipamConfigs = [{ subnet: "10.9.9.0/24" }])))).toEqual({
      changed: ["ipamConfigs"],
      replaceReasons: ["ipamConfigs"],
      deleteBeforeReplace: true,
    });
  });

  it("encryption switched off ({} options) replaces it; switched on too", () => {
    const encrypted = edited(dbNetwork, (copy) => (copy.options = { encrypted: "true" }));
    const plain = edited(dbNetwork, (copy) => (copy.options = {}));
    expect(network(encrypted, plain).replaceReasons).toEqual(["options"]);
    expect(network(plain, encrypted).replaceReasons).toEqual(["options"]);
  });

  it("a subnet left out (Optional+Computed) keeps the old one: no change", () => {
    expect(network(dbNetwork, edited(dbNetwork, (copy) => delete copy.ipamConfigs)).changed).toEqual([]);
  });

  it("any other change replaces it too: the provider has no update", () => {
    expect(network(dbNetwork, edited(dbNetwork, (copy) => (copy.attachable = true))).replaceReasons).toEqual(["attachable"]);
  });
});

describe("secrets, configs, random passwords", () => {
  const secret = { name: "s-abc1234", data: "aGk=", labels: [{ label: "pgswarm.stack", value: "prod" }] };

  it("new data replaces an auto-named secret create-before-delete", () => {
    expect(diffInputs(TYPES.secret, secret, { ...secret, data: "aG8=" }, { explicitName: false })).toEqual({
      changed: ["data"],
      replaceReasons: ["data"],
      deleteBeforeReplace: false,
    });
  });

  it("a config's new labels replace it", () => {
    expect(diffInputs(TYPES.config, secret, { ...secret, labels: [] }).replaceReasons).toEqual(["labels"]);
  });

  it("a password's new length replaces it; the same inputs are no change", () => {
    expect(diffInputs(TYPES.randomPassword, { length: 32, special: false }, { length: 40, special: false }).replaceReasons).toEqual(["length"]);
    expect(diffInputs(TYPES.randomPassword, { length: 32, special: false }, { length: 32, special: false }).changed).toEqual([]);
  });
});

describe("types without a schema (local images)", () => {
  it("update in place on any change", () => {
    expect(diffInputs(TYPES.image, { imageName: "a:1" }, { imageName: "a:2" })).toEqual({ changed: ["imageName"], replaceReasons: [], deleteBeforeReplace: false });
  });
});

describe("resource options", () => {
  it("parses property paths", () => {
    expect(parsePath("taskSpec.networksAdvanceds[0].aliases")).toEqual(["taskSpec", "networksAdvanceds", 0, "aliases"]);
    expect(parsePath('labels["a.b"]')).toEqual(["labels", "a.b"]);
    expect(parsePath("taskSpec.networksAdvanceds[*].id")).toEqual(["taskSpec", "networksAdvanceds", "*", "id"]);
    expect(() => parsePath("a[b")).toThrow(/not a property path/);
  });

  it("ignoreChanges keeps the old values of the listed paths", () => {
    const news = applyIgnoreChanges({ mode: { replicated: { replicas: 1 } }, name: "a" }, { mode: { replicated: { replicas: 5 } }, name: "b" }, ["mode.replicated.replicas"]);
    expect(news).toEqual({ mode: { replicated: { replicas: 1 } }, name: "b" });
  });

  it("ignoreChanges drops a value the old inputs did not have", () => {
    expect(applyIgnoreChanges({ a: 1 }, { a: 1, b: 2 }, ["b"])).toEqual({ a: 1 });
  });

  it("replaceOnChanges covers changed paths under it, with * for any segment", () => {
    const changed = ["taskSpec.containerSpec.image", "labels"];
    expect(replaceOnChangesMatches(changed, ["taskSpec.containerSpec"])).toEqual(["taskSpec.containerSpec.image"]);
    expect(replaceOnChangesMatches(changed, ["taskSpec.*.image"])).toEqual(["taskSpec.containerSpec.image"]);
    expect(replaceOnChangesMatches(changed, ["*"])).toEqual(changed);
    expect(replaceOnChangesMatches(changed, ["taskSpec.containerSpec.env"])).toEqual([]);
  });
});
