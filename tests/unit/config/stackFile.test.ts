/** Stack files read as Pulumi reads them, the engine's config as the program receives it, and the mistakes around keys. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadFromEngine, loadFromFile, stackOfFile } from "../../../components/config";
import { defaultDbSubnet } from "../../../components/names";
import { engineConfig } from "../../../tools/lib/mockRun";
import { loadProblems } from "./fixtures";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pgswarm-stackfile-"));
function stackFile(text: string, stack = "test"): string {
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}

const problems = loadProblems;

const STANDALONE = `config:
  pgswarm:topology: standalone
  pgswarm:nodes:
    self: { backups: true }
  pgswarm:database:
    placement: { pgnode1: self }
`;

describe("a stack file", () => {
  it("may use anchors, aliases and merge keys, as Pulumi's YAML reader does", () => {
    const config = loadFromFile(
      stackFile(`${STANDALONE}  pgswarm:services:
    web: &app
      image: registry.example.org/app:1.4
      replicas: 2
      env: &env { LOG_LEVEL: info }
    worker:
      <<: *app
      command: [app, worker]
      env: *env
`),
    );
    expect(config.services.worker).toMatchObject({ image: "registry.example.org/app:1.4", replicas: 2, command: ["app", "worker"], env: { LOG_LEVEL: "info" } });
  });

  it("with a duplicate key is refused, as Pulumi refuses it", () => {
    expect(problems(() => loadFromFile(stackFile(`${STANDALONE}  pgswarm:topology: replicated\n`)))).toEqual([
      { path: "", message: expect.stringMatching(/^not valid YAML: Map keys must be unique/) },
    ]);
  });

  it("reads on/off as text (YAML 1.2), which walArchiving takes", () => {
    const config = loadFromFile(stackFile(STANDALONE.replace("placement: { pgnode1: self }", "placement: { pgnode1: self }\n    walArchiving: off")));
    expect(config.database.walArchiving).toBe(false);
  });

  it("leaves other namespaces alone (docker:host)", () => {
    expect(loadFromFile(stackFile(`${STANDALONE}  docker:host: ssh://deploy@manager\n`)).topology).toBe("standalone");
  });

  it("is checked with the stack its name gives (the DB network's default subnet)", () => {
    expect(stackOfFile("/x/Pulumi.prod.yaml")).toBe("prod");
    const file = stackFile(`${STANDALONE}  pgswarm:networks: { appSubnet: ${defaultDbSubnet("prod")} }\n`, "prod");
    expect(problems(() => loadFromFile(file))).toEqual([{ path: "networks.appSubnet", message: expect.stringMatching(/default subnet for stack "prod"/) }]);
  });
});

describe("the common `pulumi config set` mistakes", () => {
  it("a flat pgswarm:database.nodes key says how to set the nested value", () => {
    expect(problems(() => loadFromFile(stackFile(`${STANDALONE}  pgswarm:database.nodes: 3\n`)))).toEqual([
      {
        path: "pgswarm:database.nodes",
        message:
          'a flat key named "database.nodes", which `pulumi config set pgswarm:database.nodes` writes without --path; pgswarm reads database as a map. ' +
          "Remove it (pulumi config rm pgswarm:database.nodes) and run `pulumi config set --path 'pgswarm:database.nodes' 3`",
      },
    ]);
  });

  it("a flat key reaches the program the same way, and gets the same answer", () => {
    const config = { ...engineConfig({ "pgswarm:topology": "standalone", "pgswarm:database": { placement: { pgnode1: "self" } } }), "pgswarm:services.web.image": "app:1" };
    expect(problems(() => loadFromEngine(config, "dev"))).toEqual([
      { path: "pgswarm:services.web.image", message: expect.stringContaining("pulumi config set --path 'pgswarm:services.web.image' app:1") },
    ]);
  });

  it("a key without its namespace", () => {
    expect(problems(() => loadFromFile(stackFile(`${STANDALONE}  topology: standalone\n  color: blue\n`)))).toEqual([
      { path: "topology", message: "a key without its namespace, which Pulumi refuses in a stack file: write pgswarm:topology" },
      { path: "color", message: "a key without its namespace, which Pulumi refuses in a stack file (namespace:name)" },
    ]);
  });

  it.each(["pgswarn", "pg-swarm", "PgSwarm", "pgsarm"])("a misspelt namespace (%s)", (namespace) => {
    expect(problems(() => loadFromFile(stackFile(`${STANDALONE}  ${namespace}:buildImages: true\n`)))).toEqual([
      { path: `${namespace}:buildImages`, message: `"${namespace}" is not pgswarm's namespace, so pgswarm never reads this key; did you mean pgswarm:buildImages?` },
    ]);
  });

  it("a secret value in a stack file names its path", () => {
    const file = stackFile(`${STANDALONE}  pgswarm:services:
    web:
      image: app:1
      env:
        API_KEY:
          secure: v1:abcdef
`);
    expect(problems(() => loadFromFile(file))).toEqual([
      { path: "services.web.env.API_KEY", message: expect.stringMatching(/^a secret value \(pulumi config set --secret\): pgswarm's settings are not secret/) },
    ]);
  });

  it("a secret the engine decrypted is refused by its key, its value never shown", () => {
    const config = engineConfig({ "pgswarm:topology": "standalone", "pgswarm:nodes": { self: { backups: true } }, "pgswarm:database": { placement: { pgnode1: "self" }, name: "hunter2db" } });
    const found = problems(() => loadFromEngine(config, "dev", (key) => key === "pgswarm:database"));
    expect(found).toEqual([{ path: "database", message: expect.stringMatching(/^a secret value/) }]);
    expect(JSON.stringify(found)).not.toContain("hunter2db");
  });
});

describe("the engine's config", () => {
  it("arrives as text, structured values as JSON, and is read like the stack file", () => {
    const config = loadFromEngine(
      {
        "pgswarm:topology": "standalone",
        "pgswarm:buildImages": "true",
        "pgswarm:nodes": JSON.stringify({ self: { backups: "true" } }),
        "pgswarm:database": JSON.stringify({ nodes: "1", placement: { pgnode1: "self" }, walArchiving: "off" }),
        "docker:host": "unix:///var/run/docker.sock",
      },
      "dev",
    );
    expect(config).toMatchObject({ topology: "standalone", buildImages: true, nodes: { self: { backups: true } }, database: { nodes: 1, walArchiving: false } });
  });

  it("names the stack in its errors", () => {
    expect(() => loadFromEngine({ "pgswarm:topology": "cluster" }, "dev")).toThrow(/^stack "dev" config has 1 problem:\n {2}- topology: expected "standalone"/);
  });
});
