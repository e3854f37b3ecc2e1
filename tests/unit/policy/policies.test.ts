/**
 * The policy pack over what each example stack registers (all must pass), and
 * over broken variants, each rejected by the one policy that names its problem.
 * Variants come from a stack file edit where config validation lets it through,
 * otherwise from editing the registered resources (a regression in our code).
 */
import { policies } from "../../../policy/policies";
import type { RegisteredResource, RunResult } from "../../../tools/lib/mockRun";
import { recordOnly } from "../../../tools/lib/recorder";
import { NODE_LABELS, ofType, runStack, SERVICE, serviceNamed, stackFileConfig } from "../../helpers/stacks";
import { runPolicies, type Violation } from "./runPolicies";

jest.setTimeout(120_000);
const runs: Record<string, RunResult> = {};
beforeAll(async () => {
  for (const stack of ["dev", "staging", "prod"]) runs[stack] = await runStack(stack);
});

const policyNames = (violations: Violation[]) => [...new Set(violations.map((violation) => violation.policy))];

/** A deep copy of a run whose registered resources a test may edit. */
function edited(run: RunResult, edit: (resources: RegisteredResource[]) => void): RunResult {
  const copy = structuredClone({ resources: run.resources, outputs: run.outputs, errors: run.errors });
  edit(copy.resources);
  return copy;
}
const service = (resources: RegisteredResource[], dockerName: string) => serviceNamed({ resources } as RunResult, dockerName).inputs;

describe("the pack", () => {
  it("holds the rules the issue names, all mandatory", () => {
    expect(policies.map((policy) => policy.name).sort()).toEqual([
      "db-network-encrypted",
      "db-on-backup-nodes",
      "db-service-dnsrr",
      "db-service-pinned",
      "db-service-single-replica",
      "db-service-stop-first",
      "db-service-volume",
      "no-generated-password-in-plain-sight",
      "no-secret-in-env-or-label",
      "routers-on-two-nodes",
    ]);
    for (const policy of policies) expect([policy.name, policy.enforcementLevel]).toEqual([policy.name, "mandatory"]);
  });
});

describe("every example stack passes", () => {
  it.each(["dev", "staging", "prod"])("%s", async (stack) => {
    expect(runs[stack].errors).toEqual([]);
    expect(await runPolicies(policies, stack, runs[stack])).toEqual([]);
  });

  it("a replicated stack of two data members and a witness (pinned by its own label, not a backups node)", async () => {
    const config = stackFileConfig("staging");
    config["pgswarm:nodes"] = { ...config["pgswarm:nodes"], "stg-wit": {} };
    config["pgswarm:database"] = { ...config["pgswarm:database"], nodes: 2, witness: "stg-wit", placement: { pgnode1: "stg-db-1", pgnode2: "stg-db-2" } };
    const run = await runStack("staging", config);
    expect(run.errors).toEqual([]);
    expect(ofType(run, SERVICE).map((candidate) => candidate.inputs.name)).toContain("staging_pgwitness");
    expect(await runPolicies(policies, "staging", run)).toEqual([]);
  });

  it("prod with monitoring enabled", async () => {
    const run = await runStack("prod", { ...stackFileConfig("prod"), "pgswarm:monitoring": { enabled: true } });
    expect(ofType(run, SERVICE).some((candidate) => String(candidate.inputs.name).endsWith("-exporter"))).toBe(true);
    expect(await runPolicies(policies, "prod", run)).toEqual([]);
  });
});

describe("broken variants from a stack file edit", () => {
  async function prodWith(edit: (config: Record<string, any>) => void): Promise<Violation[]> {
    const config = stackFileConfig("prod");
    edit(config);
    const run = await runStack("prod", config);
    expect(run.errors).toEqual([]);
    return runPolicies(policies, "prod", run);
  }

  it("prod without DB network encryption: db-network-encrypted", async () => {
    const violations = await prodWith((config) => (config["pgswarm:networks"] = { encrypted: false }));
    expect(policyNames(violations)).toEqual(["db-network-encrypted"]);
    expect(violations[0].message).toMatch(/the DB network of stack "prod" is not encrypted.*networks\.encrypted: true/);
  });

  it("dev may go unencrypted, unless the pack's config says otherwise", async () => {
    expect(await runPolicies(policies, "dev", runs.dev)).toEqual([]);
    const strict = await runPolicies(policies, "dev", runs.dev, { "db-network-encrypted": { unencryptedStacks: [] } });
    expect(policyNames(strict)).toEqual(["db-network-encrypted"]);
  });

  it("one router replica: routers-on-two-nodes, for each router", async () => {
    const violations = await prodWith((config) => (config["pgswarm:database"].router.replicas = 1));
    expect(policyNames(violations)).toEqual(["routers-on-two-nodes"]);
    expect(violations.map((violation) => violation.message).sort()).toEqual([
      expect.stringMatching(/^prod_db-ro: runs 1 replica; a router needs at least 2 on different nodes/),
      expect.stringMatching(/^prod_db-rw: runs 1 replica/),
    ]);
  });

  it("a URL with a password in an app's env: no-secret-in-env-or-label", async () => {
    const violations = await prodWith((config) => (config["pgswarm:services"].web.env = { UPSTREAM_URL: "https://deploy:hunter2@git.example.org/x" }));
    expect(policyNames(violations)).toEqual(["no-secret-in-env-or-label"]);
    expect(violations[0].message).toMatch(/env UPSTREAM_URL looks like a secret \(its value is a URL with a password in it\)/);
  });

  it("a token in a node label: no-secret-in-env-or-label", async () => {
    const violations = await prodWith((config) => (config["pgswarm:nodes"]["app-1"].labels = { role: "app", "vault.token": "s.8f3a9c" }));
    expect(policyNames(violations)).toEqual(["no-secret-in-env-or-label"]);
    expect(violations[0].message).toMatch(/node label on app-1 vault\.token looks like a secret \(its name says it holds a secret\)/);
  });
});

describe("broken variants from a regression in the program", () => {
  const check = (edit: (resources: RegisteredResource[]) => void) => runPolicies(policies, "prod", edited(runs.prod, edit));

  it.each<[string, string, (resources: RegisteredResource[]) => void, RegExp]>([
    ["two replicas", "db-service-single-replica", (r) => (service(r, "prod_pgnode1").mode.replicated.replicas = 2), /prod_pgnode1: runs 2 replicas/],
    ["global mode", "db-service-single-replica", (r) => (service(r, "prod_pgnode1").mode = { global: true }), /runs in global mode/],
    ["no pin", "db-service-pinned", (r) => (service(r, "prod_pgnode2").taskSpec.placement.constraints = ["node.labels.zone == b"]), /prod_pgnode2: must be pinned.*found node\.labels\.zone == b/],
    ["vip", "db-service-dnsrr", (r) => (service(r, "prod_pgnode3").endpointSpec.mode = "vip"), /prod_pgnode3: endpoint mode is vip/],
    ["start-first", "db-service-stop-first", (r) => (service(r, "prod_pgnode1").updateConfig.order = "start-first"), /updateConfig\.order is start-first/],
    ["start-first rollback", "db-service-stop-first", (r) => (service(r, "prod_pgnode1").rollbackConfig.order = "start-first"), /rollbackConfig\.order is start-first/],
    ["no volume", "db-service-volume", (r) => (service(r, "prod_pgnode1").taskSpec.containerSpec.mounts = []), /has no mount at \/var\/lib\/postgresql\/data/],
    [
      "a bind mount",
      "db-service-volume",
      (r) => (service(r, "prod_pgnode1").taskSpec.containerSpec.mounts[0].type = "bind"),
      /mounts \/var\/lib\/postgresql\/data as bind/,
    ],
    [
      "routers packed on one node",
      "routers-on-two-nodes",
      (r) => (service(r, "prod_db-rw").taskSpec.placement = {}),
      /prod_db-rw: its 2 replicas may share a node/,
    ],
    [
      "a DB node not marked for backups",
      "db-on-backup-nodes",
      (r) => delete ofType({ resources: r } as RunResult, NODE_LABELS).find((labels) => labels.inputs.node === "db-b")!.inputs.labels["pgswarm.prod.backups"],
      /prod_pgnode2: runs on node "db-b", which is not marked for backups/,
    ],
    [
      "a pin no node carries",
      "db-on-backup-nodes",
      (r) => (service(r, "prod_pgnode3").taskSpec.placement.constraints = ["node.labels.pgswarm.prod.pgnode == 7"]),
      /prod_pgnode3: pinned to pgswarm\.prod\.pgnode=7, which no node of the stack carries/,
    ],
  ])("%s: %s", async (_variant, policy, edit, message) => {
    const violations = await check(edit);
    expect(policyNames(violations)).toEqual([policy]);
    expect(violations.map((violation) => violation.message)).toEqual([expect.stringMatching(message)]);
  });

  it("a generated password copied into an env value under a harmless name: no-generated-password-in-plain-sight", async () => {
    const passwordResource = runs.prod.resources.find((resource) => resource.name === "prod-cred-app-password")!;
    const password = (await recordOnly(passwordResource)).state.result as string;
    const violations = await check((r) => (service(r, "prod_worker").taskSpec.containerSpec.env.APP_DB_PASS = password));
    expect(policyNames(violations)).toEqual(["no-generated-password-in-plain-sight"]);
    expect(violations[0]).toMatchObject({ resource: "prod-app-worker", message: expect.stringMatching(/generated password prod-cred-app-password appears in its environment/) });
  });

  it("a generated password in a stack output: no-generated-password-in-plain-sight", async () => {
    const passwordResource = runs.prod.resources.find((resource) => resource.name === "prod-cred-superuser-password")!;
    const password = (await recordOnly(passwordResource)).state.result as string;
    const leaky = { ...edited(runs.prod, () => undefined), outputs: { ...runs.prod.outputs, debug: `superuser=${password}` } };
    const violations = await runPolicies(policies, "prod", leaky);
    expect(policyNames(violations)).toEqual(["no-generated-password-in-plain-sight"]);
    expect(violations[0].message).toMatch(/appears in a stack output/);
  });
});
