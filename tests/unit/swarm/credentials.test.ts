/**
 * The Credentials component alone under Pulumi's mocks: a password per credential, two slots per
 * login, the slot in use by the rotation step, and pgpass files with exactly the active slots' lines.
 */
import type * as pulumiType from "@pulumi/pulumi";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
}

const PASSWORD = "random:index/randomPassword:RandomPassword";
const SECRET = "docker:index/secret:Secret";

let registered: Registered[] = [];
let pulumi: typeof pulumiType;
let Credentials: typeof import("../../../components/swarm").Credentials;

/** A secret's data as the provider gets it, whether or not the mock hands it over wrapped. */
const unwrap = (value: any): any => (value && typeof value === "object" && "value" in value ? unwrap(value.value) : value);

beforeAll(async () => {
  jest.resetModules();
  pulumi = require("@pulumi/pulumi");
  await pulumi.runtime.setMocks(
    {
      newResource: async (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        const state = args.type === PASSWORD ? { ...args.inputs, result: `pw-${args.name}` } : args.inputs;
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    "pgswarm",
    "prod",
    false,
  );
  Credentials = require("../../../components/swarm").Credentials;
});

async function build(pgpass: Record<string, Array<"app" | "reader">>, credentialsRotation = 0) {
  registered = [];
  const credentials = new Credentials("prod-cred", { stack: "prod", database: { user: "shop", readUser: "shop_ro", credentialsRotation }, pgpass });
  const files = [...Object.values(credentials.passwords), ...credentials.loginSlots, ...Object.values(credentials.pgpass), credentials.agentKey];
  await new Promise((resolve) => pulumi.all(files.map((file) => file.secret.id)).apply(resolve));
  const secretData = (name: string) => {
    const secret = registered.find((resource) => resource.type === SECRET && resource.name === name);
    if (!secret) throw new Error(`no secret ${name}; have ${registered.filter((r) => r.type === SECRET).map((r) => r.name).join(", ")}`);
    return Buffer.from(unwrap(secret.inputs.data), "base64").toString("utf8");
  };
  return { credentials, secretData };
}

describe("the stack's credentials", () => {
  it("generate the logins' passwords like the others, two slots each, as the secrets mounted at pgswarm-<login>[-b]-password", async () => {
    const { credentials, secretData } = await build({ app: ["app"] });
    expect(registered.filter((resource) => resource.type === PASSWORD).map((resource) => resource.name).sort()).toEqual(
      [
        "agent-key",
        "app-b-password",
        "app-password",
        "exporter-password",
        "monitor-password",
        "reader-b-password",
        "reader-password",
        "replication-password",
        "superuser-password",
      ].map((name) => `prod-cred-${name}`),
    );
    const reader = registered.find((resource) => resource.name === "prod-cred-reader-password" && resource.type === PASSWORD)!;
    expect(reader.inputs).toMatchObject({ length: 32, special: false });
    // Generation 0 has no keeper: a stack from before rotation keeps its passwords.
    expect(reader.inputs.keepers).toBeUndefined();
    expect(credentials.loginSlots.map((file) => file.fileName)).toEqual([
      "pgswarm-app-password",
      "pgswarm-app-b-password",
      "pgswarm-reader-password",
      "pgswarm-reader-b-password",
    ]);
    expect(credentials.activeLogins.reader.fileName).toBe("pgswarm-reader-password");
    expect(secretData("prod-cred-reader-password")).toBe("pw-prod-cred-reader-password");
    // The members' own credentials do not include the logins: a rotation restarts no member.
    expect(Object.keys(credentials.passwords).sort()).toEqual(["exporter", "monitor", "replication", "superuser"]);
  });

  const keeperOf = (name: string) => registered.find((resource) => resource.name === `prod-cred-${name}` && resource.type === PASSWORD)!.inputs.keepers;

  it.each([
    // step, slot 0's and slot 1's generation, the slot in use
    [1, undefined, "1", "app-password", "shop"],
    [2, undefined, "1", "app-b-password", "shop_b"],
    [3, "1", "1", "app-b-password", "shop_b"],
    [4, "1", "1", "app-password", "shop"],
    [5, "1", "2", "app-password", "shop"],
  ])("at rotation step %i: slot generations %s/%s, applications use %s as %s", async (step, slot0, slot1, activeSecret, role) => {
    const { credentials, secretData } = await build({ app: ["app"] }, step);
    expect(keeperOf("app-password")).toEqual(slot0 === undefined ? undefined : { generation: slot0 });
    expect(keeperOf("app-b-password")).toEqual({ generation: slot1 });
    expect(credentials.activeLogins.app.fileName).toBe("pgswarm-app-password");
    const secretName = registered.find((resource) => resource.type === SECRET && resource.name === `prod-cred-${activeSecret}`)!.name;
    expect(await new Promise((resolve) => credentials.activeLogins.app.secret.id.apply(resolve))).toBe(`${secretName}-id`);
    expect(secretData("prod-cred-app-pgpass")).toBe(`*:*:*:${role}:pw-prod-cred-${activeSecret}\n`);
  });

  it("make each pgpass file with the lines of exactly its logins", async () => {
    const { credentials, secretData } = await build({ app: ["app"], reader: ["reader"], split: ["app", "reader"] });
    expect(Object.fromEntries(Object.entries(credentials.pgpass).map(([name, file]) => [name, file.fileName]))).toEqual({
      app: "pgswarm-app-pgpass",
      reader: "pgswarm-reader-pgpass",
      split: "pgswarm-split-pgpass",
    });
    expect(secretData("prod-cred-app-pgpass")).toBe("*:*:*:shop:pw-prod-cred-app-password\n");
    expect(secretData("prod-cred-reader-pgpass")).toBe("*:*:*:shop_ro:pw-prod-cred-reader-password\n");
    expect(secretData("prod-cred-split-pgpass")).toBe("*:*:*:shop:pw-prod-cred-app-password\n*:*:*:shop_ro:pw-prod-cred-reader-password\n");
    // On the second slot, each line names its role.
    await build({ split: ["app", "reader"] }, 2);
    expect(secretData("prod-cred-split-pgpass")).toBe("*:*:*:shop_b:pw-prod-cred-app-b-password\n*:*:*:shop_ro_b:pw-prod-cred-reader-b-password\n");
  });

  it("make only the pgpass files asked for", async () => {
    const { credentials } = await build({ app: ["app"] });
    expect(Object.keys(credentials.pgpass)).toEqual(["app"]);
    expect(registered.filter((resource) => resource.type === SECRET && resource.name.endsWith("-pgpass")).map((resource) => resource.name)).toEqual([
      "prod-cred-app-pgpass",
    ]);
  });
});
