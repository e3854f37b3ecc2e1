/** Names and strings checked against what Docker, Swarm and PostgreSQL accept, each with its key path. */
import { validateStack } from "../../../components/config";
import { constraintProblem, executableProblem, imageReferenceProblem, nodeNameProblem } from "../../../components/config/docker";
import { databaseNameProblem, roleNameProblem } from "../../../components/config/postgresNames";
import { edited, problemAt, problemsOf, readSplit } from "./fixtures";

describe("image references (Docker's reference grammar)", () => {
  it.each([
    "app",
    "app:1.4",
    "library/postgres:17",
    "registry.example.org/pgswarm/postgres:17",
    "registry.example.org:5000/team/app:v1.2.3-rc_1",
    "localhost:5000/app",
    "[::1]:5000/app:1",
    "my-registry.io/a__b/c--d/e.f:latest",
    `app@sha256:${"a".repeat(64)}`,
    `registry.example.org/app:1.4@sha256:${"0f".repeat(32)}`,
  ])("accepts %s", (reference) => expect(imageReferenceProblem(reference)).toBeUndefined());

  it.each([
    ["", /^expected an image reference/],
    ["app:1:2", /^expected an image reference/],
    ["app name:1", /^expected an image reference/],
    ["app:", /^expected an image reference/],
    ["-app", /^expected an image reference/],
    ["app/:1", /^expected an image reference/],
    ["registry.example.org/App:1", /repository path must be lower-case/],
    ["MyApp", /repository path must be lower-case/],
    [`app:${"t".repeat(129)}`, /^expected an image reference/],
    ["app@sha256:abc", /^expected an image reference/],
    [`${"a".repeat(256)}:1`, /at most 255 characters/],
  ])("refuses %p", (reference, message) => expect(imageReferenceProblem(reference)).toMatch(message));

  it("names the key: service, database and router images", () => {
    const raw = readSplit();
    raw.services.web.image = "Registry.example.org/Web:1";
    raw.database.image = "postgres::17";
    raw.database.router = { image: "router 3.0" };
    expect(problemsOf(raw).map((problem) => problem.path).sort()).toEqual(["database.image", "database.router.image", "services.web.image"]);
    expect(problemAt(raw, "services.web.image")).toMatch(/lower-case, found the string "Registry.example.org\/Web:1"$/);
  });
});

describe("the application's database and role", () => {
  it.each(["app", "geomapfish", "openslides_db", "_x", "a1"])("accepts %s", (name) => {
    expect(databaseNameProblem(name)).toBeUndefined();
    expect(roleNameProblem(name)).toBeUndefined();
  });

  it.each([
    ["postgres", /pgswarm's/],
    ["repmgr", /pgswarm's/],
    ["pgswarm_monitor", /pgswarm's/],
    ["pgswarm_anything", /pgswarm's/],
    ["pg_app", /reserves pg_\*/],
    ["public", /reserves pg_\*, public and none/],
    ["none", /reserves/],
    ["user", /SQL reserves/],
    ["select", /SQL reserves/],
    ["current_user", /SQL reserves/],
    ["join", /SQL reserves/],
    ["App", /lower-case SQL identifier/],
    ["1app", /lower-case SQL identifier/],
    ["my-app", /lower-case SQL identifier/],
    ["a".repeat(64), /lower-case SQL identifier/],
  ])("refuses the role %p", (name, message) => expect(roleNameProblem(name)).toMatch(message));

  it.each([
    ["postgres", /already has/],
    ["template0", /already has/],
    ["template1", /already has/],
    ["repmgr", /already has/],
    ["table", /SQL reserves/],
    ["order", /SQL reserves/],
  ])("refuses the database %p", (name, message) => expect(databaseNameProblem(name)).toMatch(message));

  it("names the key and what was found", () => {
    const raw = edited(readSplit, (r) => {
      r.database.name = "postgres";
      r.database.user = "user";
    });
    expect(problemAt(raw, "database.name")).toMatch(/^expected a database of the application's own; .*, found the string "postgres"$/);
    expect(problemAt(raw, "database.user")).toMatch(/^expected a name that is not a word SQL reserves .*, found the string "user"$/);
  });
});

describe("Swarm node names", () => {
  it.each(["self", "db-a", "node1.example.org", "ip-10-0-0-1.eu-west-1.compute.internal", "abcdefghijklmnopqrstuvwxy", "host_1"])("accepts %s", (name) =>
    expect(nodeNameProblem(name)).toBeUndefined(),
  );
  it.each(["-db", "db-", "db a", "db..a", "a".repeat(64), `${"a.".repeat(127)}a`])("refuses %p", (name) => expect(nodeNameProblem(name)).toMatch(/hostname or ID/));

  it("names the key, in nodes, placement and witness", () => {
    const raw = readSplit();
    raw.nodes["bad node"] = {};
    raw.database.placement.pgnode1 = "db a";
    raw.database.witness = "-w";
    expect(problemsOf(raw).map((problem) => problem.path).sort()).toEqual(["database.placement.pgnode1", "database.witness", "nodes.bad node"]);
  });
});

describe("labels", () => {
  it("keys usable in a constraint, not pgswarm's own; values without control characters", () => {
    const raw = readSplit();
    raw.nodes["app-1"].labels = { role: "app\nweb", "pgswarm.stack": "x", "bad key": "v", Zone: "eu-1", "com.example.tier": "front" };
    expect(problemsOf(raw).sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: "nodes.app-1.labels.bad key", message: expect.stringMatching(/^invalid name: expected a label key/) },
      { path: "nodes.app-1.labels.pgswarm.stack", message: expect.stringMatching(/starting with pgswarm\. are pgswarm's/) },
      { path: "nodes.app-1.labels.role", message: 'expected a label value without control characters (newline, tab, NUL...), found the string "app\\nweb"' },
    ]);
  });
});

describe("application services", () => {
  it.each(["web", "api-v2", "a1", "geo--portal"])("accepts the name %s", (name) => {
    expect(() => validateStack(edited(readSplit, (raw) => (raw.services[name] = { image: "app:1" })), "test")).not.toThrow();
  });

  it.each(["Web", "web-", "1web", "web_app", "web.app", "a".repeat(49)])("refuses the name %p", (name) => {
    const raw = edited(readSplit, (r) => (r.services[name] = { image: "app:1" }));
    expect(problemAt(raw, `services.${name}`)).toMatch(/^invalid name: expected a service name of lower-case letters, digits and '-'/);
  });

  it.each(["db", "db-rw", "db-ro", "pgnode1", "pgwitness", "router"])("refuses %s, a database service's name", (name) => {
    expect(problemAt(edited(readSplit, (raw) => (raw.services[name] = { image: "app:1" })), `services.${name}`)).toMatch(/name of a database service/);
  });

  it("refuses a Docker service name longer than Swarm's 63 characters once the stack's name is known", () => {
    const raw = edited(readSplit, (r) => (r.services["a".repeat(40)] = { image: "app:1" }));
    expect(() => validateStack(raw, "test", { stack: "prod" })).not.toThrow();
    expect(problemAt(raw, `services.${"a".repeat(40)}`, { stack: "a-rather-long-stack-name" })).toMatch(/is 65 characters; Swarm allows 63/);
  });

  it("refuses a stack name that makes Docker names Swarm refuses", () => {
    expect(problemsOf(readSplit(), { stack: "my.stack" })).toEqual([
      { path: "", message: expect.stringMatching(/the stack name "my\.stack" gives Docker names Swarm refuses: "my\.stack_pgwitness"/) },
    ]);
  });

  it("replicas within bounds", () => {
    expect(problemAt(edited(readSplit, (raw) => (raw.services.web.replicas = -1)), "services.web.replicas")).toBe("expected a whole number from 0 to 100, found -1");
  });

  it("resources Docker accepts: at least 0.01 CPU and 6MB", () => {
    const raw = edited(readSplit, (r) => (r.services.web.resources = { cpus: 0, memory: "1MB" }));
    expect(problemAt(raw, "services.web.resources.cpus")).toBe("expected a number of CPUs from 0.01 to 1024, found 0");
    expect(problemAt(raw, "services.web.resources.memory")).toBe('expected a size of at least 6MB, found the string "1MB"');
  });

  it("environment: names a program can read, values without NUL (newlines are fine)", () => {
    const raw = edited(readSplit, (r) => (r.services.web.env = { "BAD NAME": "x", NUL: "a\u0000b", MULTI: "line 1\nline 2", "spring.profiles.active": "prod" }));
    expect(problemsOf(raw).sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: "services.web.env.BAD NAME", message: expect.stringMatching(/^invalid name: expected an environment variable name/) },
      { path: "services.web.env.NUL", message: 'expected an environment value (text) without NUL characters, found the string "a\\u0000b"' },
    ]);
  });
});

describe("placement constraints (swarmkit's grammar)", () => {
  it.each([
    "node.labels.role == app",
    "node.labels.role==app",
    "node.role == manager",
    "node.role != Worker",
    "node.hostname != db-a",
    "node.id == 2ivku8v2gvtg4",
    "node.platform.os == linux",
    "node.platform.arch == x86_64",
    "engine.labels.operatingsystem == ubuntu 24.04",
    "node.ip == 10.0.0.0/24",
    "node.labels.zone == eu-*",
  ])("accepts %s", (constraint) => expect(constraintProblem(constraint)).toBeUndefined());

  it.each([
    ["node.labels.role = app", /^expected a constraint/],
    ["node.label.role == app", /"node\.label\.role" matches no node/],
    ["labels.role == app", /matches no node/],
    ["node.labels. == app", /matches no node/],
    ["node.role == boss", /node\.role is manager or worker/],
    ["node.labels.role == a>b", /the value may hold/],
    ["node.labels.role == ", /the value may hold/],
    ["node.ip == 10.0.0.300", /node\.ip takes an IP address or a CIDR/],
    ["node labels role == app", /^expected a constraint/],
  ])("refuses %p", (constraint, message) => expect(constraintProblem(constraint)).toMatch(message));

  it("names the item", () => {
    const raw = edited(readSplit, (r) => (r.services.web.placement = ["node.labels.role == app", "node.role == boss"]));
    expect(problemAt(raw, "services.web.placement[1]")).toMatch(/node\.role is manager or worker, found the string "node\.role == boss"$/);
  });
});

describe("commands Docker execs", () => {
  it.each([[["curl", "-f", "http://localhost/"]], [["/usr/bin/pg_isready"]], [["sh", "-c", "curl -f http://localhost/ || exit 1"]]])("accepts %p", (command) =>
    expect(executableProblem(command)).toBeUndefined(),
  );

  it("refuses a shell line as the program, and Docker's own CMD prefix, with how to write it", () => {
    const raw = readSplit();
    raw.services.web.healthcheck = { command: ["curl -f http://localhost/"] };
    raw.services.worker = { image: "app:1", command: ["CMD-SHELL", "run"] };
    expect(problemAt(raw, "services.web.healthcheck.command[0]")).toBe(
      'expected the program alone as the first item, e.g. [curl, -f, http://localhost/]; for a shell line use [sh, -c, "curl -f http://localhost/"], found the string "curl -f http://localhost/"',
    );
    expect(problemAt(raw, "services.worker.command[0]")).toMatch(/pgswarm adds Docker's "CMD" itself/);
  });

  it("a health check needs a command and Docker's durations: 0 or at least 1ms", () => {
    const raw = edited(readSplit, (r) => (r.services.web.healthcheck = { command: [], interval: "500us", timeout: "0s", startPeriod: "2m" }));
    expect(problemsOf(raw).sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: "services.web.healthcheck.command", message: "expected the command as a list, e.g. [curl, -f, http://localhost/], found an empty list" },
      { path: "services.web.healthcheck.interval", message: 'expected a duration of 0s or at least 1ms, found the string "500us"' },
    ]);
  });

  it("refuses an empty item in a command", () => {
    expect(problemAt(edited(readSplit, (r) => (r.services.web.healthcheck = { command: ["curl", "", "-f"] })), "services.web.healthcheck.command[1]")).toBe(
      'expected a non-empty argument, found the string ""',
    );
  });

  it("refuses NUL in an argument", () => {
    expect(problemAt(edited(readSplit, (r) => (r.services.web.args = ["--name", "a\u0000"])), "services.web.args[1]")).toMatch(/without NUL characters/);
  });
});

describe("published ports", () => {
  it("ports and protocols Docker knows", () => {
    const raw = edited(readSplit, (r) => (r.services.web.publish = [{ port: 0, target: 70000, protocol: "icmp", mode: "global" }]));
    expect(problemsOf(raw).sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: "services.web.publish[0].mode", message: 'expected "ingress" or "host", found the string "global"' },
      { path: "services.web.publish[0].port", message: "expected a whole number from 1 to 65535, found 0" },
      { path: "services.web.publish[0].protocol", message: 'expected "tcp", "udp" or "sctp", found the string "icmp"' },
      { path: "services.web.publish[0].target", message: "expected a whole number from 1 to 65535, found 70000" },
    ]);
  });
});
