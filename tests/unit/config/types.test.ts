/** Type errors say what was expected and what was found; "required" only when nothing was given. */
import { validateStack } from "../../../components/config";
import { edited, problemAt, problemsOf, readSplit, standalone } from "./fixtures";

describe("type errors name what is expected and what was found", () => {
  it.each([
    ["a word for a number", (raw: any) => (raw.database.nodes = "three"), "database.nodes", 'expected a whole number from 1 to 9, found the string "three"'],
    ["a number out of range", (raw: any) => (raw.database.nodes = 12), "database.nodes", "expected a whole number from 1 to 9, found 12"],
    ["a fraction for a whole number", (raw: any) => (raw.database.router = { replicas: 1.5 }), "database.router.replicas", "expected a whole number from 1 to 9, found 1.5"],
    ["a number for a boolean", (raw: any) => (raw.nodes["db-a"].backups = 1), "nodes.db-a.backups", "expected true or false, found 1"],
    ["a list for a number", (raw: any) => (raw.services.web.replicas = [2]), "services.web.replicas", "expected a whole number from 0 to 100, found a list"],
    ["a map for a string", (raw: any) => (raw.services.web.image = { name: "app" }), "services.web.image", "expected an image reference such as registry.example.org/app:1.4, found a map"],
    ["a number for a duration", (raw: any) => (raw.services.web.update = { delay: 5 }), "services.web.update.delay", 'expected a duration such as "10s", "500ms" or "1m30s" (units ms, s, m, h), found 5'],
    ["a wrong enum value", (raw: any) => (raw.database.synchronous = "sync"), "database.synchronous", 'expected "off" or "quorum", found the string "sync"'],
    ["a string for a list", (raw: any) => (raw.services.web.placement = "node.role == worker"), "services.web.placement", 'expected a list of constraints such as node.labels.role == app, found the string "node.role == worker"'],
    ["a string for a map", (raw: any) => (raw.services = "web"), "services", 'expected a map of application services, found the string "web"'],
    ["a word for on/off", (raw: any) => (raw.database.walArchiving = "yes"), "database.walArchiving", 'expected on or off, found the string "yes"'],
  ])("%s", (_, edit, path, message) => expect(problemAt(edited(readSplit, edit), path)).toBe(message));

  it('says why "on" is not a boolean in a stack file', () => {
    expect(problemAt(edited(readSplit, (raw) => (raw.networks = { encrypted: "on" })), "networks.encrypted")).toBe(
      'expected true or false (YAML 1.2, which Pulumi reads, takes on/yes as text), found the string "on"',
    );
  });

  it('says "required" only for what is missing, with what is expected', () => {
    const raw = readSplit();
    delete raw.topology;
    delete raw.services.web.image;
    raw.services.web.publish = [{ target: 8080 }];
    expect(problemsOf(raw).sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: "services.web.image", message: "required: expected an image reference such as registry.example.org/app:1.4" },
      { path: "services.web.publish[0].port", message: "required: expected a whole number from 1 to 65535" },
      { path: "topology", message: 'required: expected "standalone", "replicated" or "read-split"' },
    ]);
  });

  it("never reports a given value as merely required", () => {
    for (const value of [null, 0, false, "", [], {}]) {
      const messages = problemsOf(edited(readSplit, (raw) => (raw.topology = value))).map((problem) => problem.message);
      expect(messages).toHaveLength(1);
      expect(messages[0]).not.toMatch(/^required/);
      expect(messages[0]).toMatch(/, found /);
    }
  });
});

describe("values the Pulumi engine hands over as text", () => {
  it('accepts whole numbers and booleans written as text ("3", "true")', () => {
    const config = validateStack(
      edited(readSplit, (raw) => {
        raw.database.nodes = "3";
        raw.database.router = { replicas: "2" };
        raw.nodes["db-a"].backups = "true";
        raw.networks = { encrypted: "false" };
        raw.services.web.publish = [{ port: "80", target: "8080" }];
        raw.services.web.resources = { cpus: "0.5" };
      }),
      "test",
    );
    expect(config.database.nodes).toBe(3);
    expect(config.database.router.replicas).toBe(2);
    expect(config.nodes["db-a"].backups).toBe(true);
    expect(config.networks.encrypted).toBe(false);
    expect(config.services.web.publish[0]).toMatchObject({ port: 80, target: 8080 });
    expect(config.services.web.resources.cpus).toBe(0.5);
  });

  it('accepts walArchiving as on/off, true/false or "true"/"false"', () => {
    for (const [value, expected] of [["on", true], ["off", false], [true, true], [false, false], ["true", true], ["false", false]] as const) {
      expect(validateStack(edited(standalone, (raw) => (raw.database.walArchiving = value)), "test").database.walArchiving).toBe(expected);
    }
  });

  it("turns label and environment values written as numbers or booleans into the text Docker wants", () => {
    const config = validateStack(
      edited(readSplit, (raw) => {
        raw.nodes["app-1"].labels = { rack: 3, ssd: true };
        raw.services.web.env = { WORKERS: 4, DEBUG: false };
      }),
      "test",
    );
    expect(config.nodes["app-1"].labels).toEqual({ rack: "3", ssd: "true" });
    expect(config.services.web.env).toEqual({ WORKERS: "4", DEBUG: "false" });
  });

  it("refuses text that is not unambiguously a number", () => {
    for (const value of ["3 nodes", "0x3", "3e0", " "]) {
      expect(problemAt(edited(readSplit, (raw) => (raw.database.nodes = value)), "database.nodes")).toMatch(/^expected a whole number from 1 to 9, found the string/);
    }
  });
});

describe("empty YAML values (`key:` with nothing after it)", () => {
  it("count as not given, so defaults apply", () => {
    const config = validateStack(
      edited(readSplit, (raw) => {
        raw.nodes["app-2"] = null;
        raw.database.witness = null;
        raw.database.settings = null;
        raw.services.web.env = null;
        raw.services.web.placement = null;
        raw.networks = null;
      }),
      "test",
    );
    expect(config.nodes["app-2"]).toEqual({ labels: {}, backups: false });
    expect(config.database.witness).toBeUndefined();
    expect(config.database.settings).toEqual({});
    expect(config.services.web.env).toEqual({});
    expect(config.services.web.placement).toEqual([]);
    expect(config.networks.encrypted).toBe(true);
  });

  it("still count as given for an unknown key, which is reported", () => {
    expect(problemsOf(edited(readSplit, (raw) => (raw.database.replicaLag = null)))).toEqual([
      { path: "database.replicaLag", message: expect.stringMatching(/^unknown key; allowed here: image, nodes/) },
    ]);
  });

  it("are reported as empty where a value is needed", () => {
    expect(problemAt(edited(readSplit, (raw) => (raw.database.settings = { jit: null })), "database.settings.jit")).toBe(
      "expected a string, number or boolean, found an empty value",
    );
  });
});
