import { ConfigError, loadFromFile, stackFilePath, validateStack, type StackConfig } from "../../../components/config";
import { PROJECT_DIR } from "../../helpers/stacks";
import { paths, problemsOf, readSplit } from "./fixtures";

describe("the example stack files", () => {
  it.each(["dev", "staging", "prod"])("Pulumi.%s.yaml is valid", (stack) => {
    const config: StackConfig = loadFromFile(stackFilePath(PROJECT_DIR, stack));
    expect(config.topology).toBe({ dev: "standalone", staging: "replicated", prod: "read-split" }[stack]);
  });
});

describe("defaults", () => {
  it("are the production-safe ones", () => {
    const config = validateStack(readSplit(), "test");
    expect(config.database.synchronous).toBe("quorum");
    expect(config.database.walArchiving).toBe(true);
    expect(config.networks.encrypted).toBe(true);
    expect(config.database.replicaMaxLag).toBe("16MB");
    expect(config.database.router.replicas).toBe(2);
  });

  it('accepts walArchiving as "off" or false (YAML 1.1 readers)', () => {
    const raw = readSplit();
    raw.database.walArchiving = "off";
    expect(validateStack(raw, "test").database.walArchiving).toBe(false);
    raw.database.walArchiving = false;
    expect(validateStack(raw, "test").database.walArchiving).toBe(false);
  });
});

describe("errors name the key path and what is allowed", () => {
  it("unknown keys, at every level, list the allowed keys", () => {
    const raw = readSplit();
    raw.topolgy = "x";
    raw.database.replicaLag = "16MB";
    raw.services.web.replica = 2;
    const problems = problemsOf(raw);
    expect(problems.map((problem) => problem.path).sort()).toEqual(["database.replicaLag", "services.web.replica", "topolgy"]);
    expect(problems.find((problem) => problem.path === "database.replicaLag")!.message).toMatch(/allowed here: .*replicaMaxLag/);
  });

  it("bad durations and sizes", () => {
    const raw = readSplit();
    raw.database.failover = { timeout: "5 seconds" };
    raw.database.replicaMaxLag = "16 megs";
    raw.database.resources = { memory: "lots" };
    expect(problemsOf(raw).sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: "database.failover.timeout", message: expect.stringMatching(/^expected a duration such as "10s".*, found the string "5 seconds"$/) },
      { path: "database.replicaMaxLag", message: expect.stringMatching(/^expected a size such as "16MB".*, found the string "16 megs"$/) },
      { path: "database.resources.memory", message: expect.stringMatching(/^expected a size such as "16MB".*, found the string "lots"$/) },
    ]);
  });

  it("replicated with fewer than 2 DB nodes", () => {
    const raw = readSplit();
    raw.topology = "replicated";
    raw.services = {};
    raw.database = { nodes: 1, placement: { pgnode1: "db-a" } };
    const problems = problemsOf(raw);
    expect(problems).toEqual([{ path: "database.nodes", message: expect.stringMatching(/at least 2 DB nodes/) }]);
  });

  it("read-split without a replica", () => {
    const raw = readSplit();
    raw.database = { nodes: 1, placement: { pgnode1: "db-a" } };
    expect(problemsOf(raw)).toContainEqual({ path: "database.nodes", message: expect.stringMatching(/replica to read from/) });
  });

  it("2 DB nodes without a witness", () => {
    const raw = readSplit();
    raw.database = { nodes: 2, placement: { pgnode1: "db-a", pgnode2: "db-b" } };
    expect(paths(raw)).toEqual(["database.witness"]);
    raw.database.witness = "db-c";
    expect(() => validateStack(raw, "test")).not.toThrow();
  });

  it("a DB node on a Swarm node not marked as backed up (the OpenSlides rule)", () => {
    const raw = readSplit();
    raw.nodes["db-b"].backups = false;
    expect(problemsOf(raw)).toEqual([{ path: "nodes.db-b.backups", message: expect.stringMatching(/carries pgnode2.*backups: true/) }]);
  });

  it("two DB slots on one node", () => {
    const raw = readSplit();
    raw.database.placement.pgnode3 = "db-a";
    expect(problemsOf(raw)).toEqual([{ path: "database.placement.pgnode3", message: expect.stringMatching(/already carries pgnode1/) }]);
  });

  it("a slot without a node, a slot beyond database.nodes, an undeclared node", () => {
    const raw = readSplit();
    delete raw.database.placement.pgnode2;
    raw.database.placement.pgnode4 = "db-b";
    raw.database.placement.pgnode3 = "db-z";
    expect(paths(raw)).toEqual(["database.placement.pgnode2", "database.placement.pgnode3", "database.placement.pgnode4"]);
  });

  it.each(["standalone", "replicated"])("a service asking for a read endpoint in %s", (topology) => {
    const raw = readSplit();
    raw.topology = topology;
    if (topology === "standalone") raw.database = { nodes: 1, placement: { pgnode1: "db-a" } };
    raw.services.reports = { image: "app:1", database: "ro" };
    const problems = problemsOf(raw);
    expect(problems.map((problem) => problem.path).sort()).toEqual(["services.reports.database", "services.web.database"]);
    expect(problems[0].message).toMatch(/only topology read-split/);
  });

  it("a published port used twice, by two services or within one", () => {
    const raw = readSplit();
    raw.services.admin = { image: "admin:1", publish: [{ port: 81, target: 80 }, { port: 80, target: 9000 }] };
    expect(problemsOf(raw)).toEqual([{ path: "services.admin.publish[1].port", message: expect.stringMatching(/already published by services\.web\.publish\[0\]/) }]);
    const within = readSplit();
    within.services.web.publish.push({ port: 80, target: 8081 }, { port: 80, target: 8081, protocol: "udp" });
    expect(problemsOf(within)).toEqual([{ path: "services.web.publish[1].port", message: expect.stringMatching(/80\/tcp is already published by services\.web\.publish\[0\]/) }]);
  });

  it("a password in an environment value, or a variable pgswarm sets itself", () => {
    const raw = readSplit();
    raw.services.web.env = { API_TOKEN: "abc", PGHOST: "elsewhere", SMTP_PASSWORD_FILE: "/run/secrets/smtp", LOG_LEVEL: "info" };
    expect(paths(raw)).toEqual(["services.web.env.API_TOKEN", "services.web.env.PGHOST"]);
  });

  it("PostgreSQL settings pgswarm manages", () => {
    const raw = readSplit();
    raw.database.settings = { shared_buffers: "1GB", archive_command: "cp %p /tmp", listen_addresses: "*" };
    expect(paths(raw)).toEqual(["database.settings.archive_command", "database.settings.listen_addresses"]);
  });

  it("lists every problem of a stack at once", () => {
    const raw = readSplit();
    raw.nodes["db-b"].backups = false;
    raw.database.placement.pgnode3 = "db-a";
    raw.services.web.env = { DB_PASSWORD: "x" };
    const error = (() => {
      try {
        validateStack(raw, "Pulumi.broken.yaml");
      } catch (caught) {
        return caught as ConfigError;
      }
    })()!;
    expect(error.problems).toHaveLength(3);
    expect(error.message).toMatch(/^Pulumi.broken.yaml has 3 problems:\n {2}- /);
  });

  it('a missing topology is "required"; a wrong enum says what is allowed and what was found', () => {
    expect(problemsOf({})).toEqual([{ path: "topology", message: 'required: expected "standalone", "replicated" or "read-split"' }]);
    const raw = readSplit();
    raw.services.web.database = "write";
    expect(problemsOf(raw)).toEqual([{ path: "services.web.database", message: 'expected "rw", "ro", "split" or "none", found the string "write"' }]);
  });
});
