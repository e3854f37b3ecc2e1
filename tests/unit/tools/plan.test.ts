/**
 * `npm run plan` for a reviewer: the summary first, a Mermaid diagram that
 * Mermaid's own parser accepts, and the changes against a previous state.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { RunResult } from "../../../tools/lib/mockRun";
import { parsePlanArgs } from "../../../tools/lib/planArgs";
import { mermaidLabel, renderMermaid } from "../../../tools/lib/planDiagram";
import { diffPlans, renderChanges } from "../../../tools/lib/planDiff";
import { renderSummary, summarize } from "../../../tools/lib/planSummary";
import { planView, type PlannedResource } from "../../../tools/lib/planView";
import { PROJECT_DIR, runStack, SERVICE, ofType, stackFileConfig } from "../../helpers/stacks";

jest.setTimeout(120_000);
const tsx = path.join(PROJECT_DIR, "node_modules", ".bin", "tsx");
const plan = (...args: string[]) => spawnSync(tsx, ["tools/plan.ts", ...args], { cwd: PROJECT_DIR, encoding: "utf8" });
const parseMermaid = (text: string) =>
  spawnSync(process.execPath, [path.join(__dirname, "mermaidParse.mjs")], { cwd: PROJECT_DIR, input: text, encoding: "utf8" });
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "pgswarm-plan-"));

let prod: RunResult;
let prodPlan: PlannedResource[];
beforeAll(async () => {
  prod = await runStack("prod");
  prodPlan = await planView(prod.resources);
});

describe("arguments", () => {
  it("takes the stack wherever it stands, one format and a previous state", () => {
    expect(parsePlanArgs(["--previous", "old.json", "prod", "--mermaid"])).toEqual({ stack: "prod", format: "mermaid", previous: "old.json" });
    expect(parsePlanArgs(["staging", "--diagram"]).format).toBe("mermaid");
    expect(() => parsePlanArgs(["prod", "--json", "--mermaid"])).toThrow(/choose one/);
    expect(() => parsePlanArgs(["prod", "--previous"])).toThrow(/--previous needs a file/);
    expect(() => parsePlanArgs(["prod", "--colour"])).toThrow(/unknown option --colour/);
  });
});

describe("summary", () => {
  it("places each member on its node, names the initial primary, and says who serves and uses each endpoint", () => {
    const summary = summarize("prod", "read-split", prodPlan);
    expect(summary.members).toEqual([
      { service: "prod_pgnode1", member: "pgnode1", node: "db-a", initialPrimary: true },
      { service: "prod_pgnode2", member: "pgnode2", node: "db-b", initialPrimary: false },
      { service: "prod_pgnode3", member: "pgnode3", node: "db-c", initialPrimary: false },
    ]);
    expect(summary.endpoints).toEqual([
      { endpoint: "db-rw", servedBy: ["prod_db-rw"], usedBy: ["prod_web", "prod_worker"] },
      { endpoint: "db", servedBy: ["prod_db-rw"], usedBy: [] },
      { endpoint: "db-ro", servedBy: ["prod_db-ro"], usedBy: ["prod_web"] },
    ]);
    expect(summary.apps.map((app) => [app.service, app.replicas, app.published])).toEqual([
      ["prod_web", 3, ["443->8443/tcp (ingress)"]],
      ["prod_worker", 2, []],
    ]);
  });

  it("standalone: the rw router serves db-rw and db, as in every topology", async () => {
    const dev = summarize("dev", "standalone", await planView((await runStack("dev")).resources));
    expect(dev.members).toEqual([{ service: "dev_pgnode1", member: "pgnode1", node: "self", initialPrimary: true }]);
    // The rw router serves db-rw and db in every topology, so a topology change never touches the DB service.
    expect(dev.endpoints.map((endpoint) => [endpoint.endpoint, endpoint.servedBy, endpoint.usedBy])).toEqual([
      ["db-rw", ["dev_db-rw"], ["dev_web"]],
      ["db", ["dev_db-rw"], []],
    ]);
  });

  it("names the repository's node, and the bucket when it keeps the backups in S3", () => {
    const summary = summarize("prod", "read-split", prodPlan);
    const backupsLine = (lines: string[]) => lines.find((line) => line.startsWith("backups: "));
    expect(backupsLine(renderSummary(summary))).toBe("backups: prod_backup-repo on db-c (the pgBackRest repository every member archives to)");
    summary.repository!.storage = "s3://acme-pg/pgswarm/prod at s3.eu-central-1.amazonaws.com";
    expect(backupsLine(renderSummary(summary))).toBe(
      "backups: prod_backup-repo on db-c (the pgBackRest repository every member archives to, keeping the backups in s3://acme-pg/pgswarm/prod at s3.eu-central-1.amazonaws.com)",
    );
  });

  it("the text plan prints the summary before the resources, and says the changes are unknown without --previous", () => {
    const result = plan("prod");
    expect(result.status).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe("stack prod: read-split");
    expect(lines).toContain("  pgnode1    on db-a (initial primary)  [prod_pgnode1]");
    expect(lines).toContain("  db-ro  served by prod_db-ro; used by prod_web");
    const unknown = lines.findIndex((line) => line.startsWith("changes against the last applied state: unknown"));
    expect(unknown).toBeGreaterThan(0);
    expect(unknown).toBeLessThan(lines.indexOf("resources:"));
  });
});

describe("--mermaid", () => {
  const result = plan("prod", "--mermaid");

  it("renders: Mermaid's parser accepts it as a flowchart", () => {
    expect(result.status).toBe(0);
    const parsed = parseMermaid(result.stdout);
    expect(parsed.stderr).toBe("");
    expect(parsed.stdout.trim()).toBe("flowchart-v2");
  });

  it("shows every service, node and endpoint of prod, and both networks", () => {
    const labels = [...result.stdout.matchAll(/"([^"]*)"/g)].map((match) => match[1]).join("\n");
    for (const service of ofType(prod, SERVICE).map((resource) => String(resource.inputs.name))) expect(labels).toContain(service);
    for (const node of Object.keys(stackFileConfig("prod")["pgswarm:nodes"])) expect(labels).toContain(`node ${node}`);
    for (const endpoint of ["db-rw:5432", "db-ro:5432", "db:5432"]) expect(labels).toContain(endpoint);
    expect(labels).toMatch(/network prod_db<br\/>encrypted/);
    expect(labels).toMatch(/network prod_app/);
  });

  it("a parse check that can fail: a broken diagram is refused", () => {
    expect(parseMermaid(result.stdout.replace('["Swarm nodes"]', '["Swarm nodes]')).status).toBe(1);
  });

  it("escapes every label, so no name breaks the diagram", () => {
    expect(mermaidLabel('a"b<c>#d')).toBe('"a#34;b#60;c#62;#35;d"');
    const summary = summarize("prod", "read-split", prodPlan);
    summary.nodes[0].labels = { 'team"x': "<b>ops</b> #1" };
    const parsed = parseMermaid(renderMermaid(summary));
    expect(parsed.stderr).toBe("");
    expect(parsed.status).toBe(0);
  });
});

describe("changes against a previous state", () => {
  it("none against itself; a new subnet replaces the DB network and every service attached to it", async () => {
    expect(diffPlans(prodPlan, prodPlan)).toEqual([]);
    const config = stackFileConfig("prod");
    config["pgswarm:networks"] = { dbSubnet: "10.99.0.0/24" };
    config["pgswarm:services"].web.image = "registry.example.org/app:1.5";
    delete config["pgswarm:services"].worker;
    const changed = await planView((await runStack("prod", config)).resources);
    const changes = diffPlans(prodPlan, changed);
    const byName = Object.fromEntries(changes.map((change) => [change.name, change]));
    expect(byName["prod-net-db"]).toMatchObject({ kind: "replace", fields: ["subnet"] });
    // The member is attached to the replaced network, and mounts the new pg_hba.conf.
    expect(byName["prod-pg-pgnode1"]).toMatchObject({ kind: "replace", fields: ["networks (prod_db replaced)", "secrets/configs (new ids)"] });
    expect(byName["prod-app-web"]).toMatchObject({ kind: "replace", fields: expect.arrayContaining(["networks (prod_db replaced)", "image"]) });
    expect(byName["prod-app-worker"]).toMatchObject({ kind: "delete" });
    // pg_hba.conf admits the new subnet: a new config, and the members mounting it are updated with it.
    expect(byName["prod-pg-pg-hba"]).toMatchObject({ kind: "replace", fields: ["contentDigest"] });
    expect(byName["prod-net-app"]).toBeUndefined();
    expect(renderChanges(changes)[0]).toMatch(/^changes against the last applied state: \d+ to replace, 1 to delete/);
  });

  it("reads `pulumi stack export` state: the same stack shows no change, a removed service shows as deleted", () => {
    const dir = tmp();
    // The export as Pulumi writes it: URNs, real ids (here the mocks'), secret inputs as ciphertext envelopes.
    const secretEnvelope = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" };
    const exported = {
      version: 3,
      deployment: {
        manifest: {},
        resources: [
          { urn: "urn:pulumi:prod::pgswarm::pulumi:pulumi:Stack::pgswarm-prod", type: "pulumi:pulumi:Stack", custom: false },
          { urn: "urn:pulumi:prod::pgswarm::pulumi:providers:docker::default", type: "pulumi:providers:docker", custom: true, id: "p1" },
          ...prod.resources
            .filter((resource) => resource.custom)
            .map((resource) => ({
              urn: `urn:pulumi:prod::pgswarm::pgswarm:index:Stack$${resource.type}::${resource.name}`,
              type: resource.type,
              custom: true,
              id: `${resource.name}-id`,
              inputs: { ...resource.inputs, ...(resource.inputs.data !== undefined && resource.type.endsWith("secret:Secret") ? { data: secretEnvelope } : {}) },
              outputs: { name: resource.inputs.name ?? `${resource.name}-a1b2c3d` },
            })),
        ],
      },
    };
    fs.writeFileSync(path.join(dir, "prod.json"), JSON.stringify(exported));
    const same = plan("prod", "--previous", path.join(dir, "prod.json"));
    expect(same.stderr).toBe("");
    expect(same.stdout).toContain("changes against the last applied state: none");

    exported.deployment.resources.push({
      urn: "urn:pulumi:prod::pgswarm::docker:index/service:Service::prod-app-legacy",
      type: "docker:index/service:Service",
      custom: true,
      id: "legacy-id",
      inputs: { name: "prod_legacy", taskSpec: { containerSpec: { image: "legacy:1" } } } as any,
      outputs: { name: "prod_legacy" },
    });
    fs.writeFileSync(path.join(dir, "prod.json"), JSON.stringify(exported));
    const markdown = plan("prod", "--markdown", "--previous", path.join(dir, "prod.json"));
    expect(markdown.status).toBe(0);
    expect(markdown.stdout).toContain("changes against the last applied state: 1 to delete");
    expect(markdown.stdout).toContain("  -  service prod-app-legacy");
    expect(markdown.stdout).toMatch(/```mermaid\nflowchart LR\n/);
    expect(markdown.stdout).not.toMatch(/pw-[0-9a-f]{7}|v1:abc/);
  });

  it("an unreadable previous state ends with one line", () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "bad.json"), '{"hello": 1}');
    const result = plan("prod", "--previous", path.join(dir, "bad.json"));
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split("\n")).toEqual([expect.stringMatching(/expected the output of `pulumi stack export` or of `npm run plan -- <stack> --json`/)]);
  });
});
