/** The offline tools as users run them: a real process, its exit code and its output. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stableSuffix } from "../../../tools/lib/recorder";
import { PROJECT_DIR } from "../../helpers/stacks";

jest.setTimeout(60_000);
const tsx = path.join(PROJECT_DIR, "node_modules", ".bin", "tsx");
const run = (...args: string[]) => spawnSync(tsx, args, { cwd: PROJECT_DIR, encoding: "utf8" });

describe("check-config", () => {
  it.each(["dev", "staging", "prod"])("accepts %s", (stack) => {
    const result = run("tools/check-config.ts", stack);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^ok: Pulumi\\.${stack}\\.yaml`));
  });

  it("exits 1 on a broken copy, naming each bad key, without a stack trace", () => {
    const broken = fs
      .readFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8")
      .replace("replicaMaxLag: 16MB", "replicaMaxLag: 16 megs")
      .replace("db-b: { backups: true,", "db-b: { backups: false,")
      .replace("dbEnv: geomapfish", "dbEnv: geomapfish\n      replica: 2");
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pgswarm-")), "Pulumi.broken.yaml");
    fs.writeFileSync(file, broken);
    const result = run("tools/check-config.ts", file);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^Pulumi\.broken\.yaml has 2 problems:/);
    expect(result.stderr).toMatch(/- database\.replicaMaxLag: expected a size/);
    expect(result.stderr).toMatch(/- services\.web\.replica: unknown key; did you mean replicas\? allowed here: image, replicas/);
    expect(result.stderr).not.toMatch(/\s+at .*\.ts:\d+/);
    // Cross-key rules speak once the schema holds.
    const fixed = broken.replace("replicaMaxLag: 16 megs", "replicaMaxLag: 16MB").replace("\n      replica: 2", "");
    fs.writeFileSync(file, fixed);
    const second = run("tools/check-config.ts", file);
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/- nodes\.db-b\.backups: "db-b" carries pgnode2/);
  });
});

describe("plan", () => {
  const result = run("tools/plan.ts", "prod", "--json");
  const plan = JSON.parse(result.stdout);
  const services = plan.resources.filter((resource: any) => resource.type === "service");

  it("succeeds without a backend or a swarm", () => expect(result.status).toBe(0));

  it("lists 3 pgnode services pinned to 3 different labelled nodes", () => {
    const pgnodes = services.filter((service: any) => /^prod_pgnode\d$/.test(service.dockerName));
    expect(pgnodes).toHaveLength(3);
    const constraints = pgnodes.map((service: any) => service.placement[0]);
    expect(new Set(constraints).size).toBe(3);
    const labels = plan.resources.filter((resource: any) => resource.type === "node-labels");
    const labelled = constraints.map((constraint: string) => {
      const [, key, value] = constraint.match(/^node\.labels\.(\S+) == (\S+)$/)!;
      return labels.find((resource: any) => resource.labels[key] === value).node;
    });
    expect(labelled.sort()).toEqual(["db-a", "db-b", "db-c"]);
  });

  it("lists the routers, the app services, secrets and configs", () => {
    expect(services.map((service: any) => service.dockerName)).toEqual(
      expect.arrayContaining(["prod_db-rw", "prod_db-ro", "prod_web", "prod_worker"]),
    );
    // 8 passwords (two slots for each login), the agents' key, the app's pgpass and the split web's pgpass; pgBackRest's CA, and a certificate and key for each of 3 members and the repository.
    expect(plan.resources.filter((resource: any) => resource.type === "secret")).toHaveLength(11 + 1 + 4 * 2);
    expect(plan.resources.filter((resource: any) => resource.type === "config").length).toBeGreaterThanOrEqual(8);
    expect(plan.outputs.endpoints).toMatchObject({ rw: "db-rw", ro: "db-ro" });
  });

  it("shows no plaintext credential anywhere", () => {
    // The recorder derives each generated password from its resource's name, so the plan's own list says what to look for.
    const passwords = plan.resources
      .filter((resource: any) => resource.type === "password")
      .map((resource: any) => `pw-${stableSuffix(resource.name)}`);
    expect(passwords).toHaveLength(9);
    for (const password of passwords) expect(result.stdout).not.toContain(password);
  });
});
