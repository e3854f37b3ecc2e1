/** The Credentials component alone under Pulumi's mocks: a password per credential, the reader's too, and pgpass files with exactly their lines. */
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

async function build(pgpass: Record<string, Array<"app" | "reader">>) {
  registered = [];
  const credentials = new Credentials("prod-cred", { stack: "prod", users: { app: "shop", reader: "shop_ro" }, pgpass });
  const files = [...Object.values(credentials.passwords), ...Object.values(credentials.pgpass), credentials.agentKey];
  await new Promise((resolve) => pulumi.all(files.map((file) => file.secret.id)).apply(resolve));
  const secretData = (name: string) => {
    const secret = registered.find((resource) => resource.type === SECRET && resource.name === name);
    if (!secret) throw new Error(`no secret ${name}; have ${registered.filter((r) => r.type === SECRET).map((r) => r.name).join(", ")}`);
    return Buffer.from(unwrap(secret.inputs.data), "base64").toString("utf8");
  };
  return { credentials, secretData };
}

describe("the stack's credentials", () => {
  it("generate the reader's password like the others, as the secret mounted at pgswarm-reader-password", async () => {
    const { credentials, secretData } = await build({ app: ["app"] });
    expect(registered.filter((resource) => resource.type === PASSWORD).map((resource) => resource.name).sort()).toEqual(
      ["agent-key", "app-password", "exporter-password", "monitor-password", "reader-password", "replication-password", "superuser-password"].map(
        (name) => `prod-cred-${name}`,
      ),
    );
    const reader = registered.find((resource) => resource.name === "prod-cred-reader-password" && resource.type === PASSWORD)!;
    expect(reader.inputs).toMatchObject({ length: 32, special: false });
    expect(credentials.passwords.reader.fileName).toBe("pgswarm-reader-password");
    expect(secretData("prod-cred-reader-password")).toBe("pw-prod-cred-reader-password");
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
  });

  it("make only the pgpass files asked for", async () => {
    const { credentials } = await build({ app: ["app"] });
    expect(Object.keys(credentials.pgpass)).toEqual(["app"]);
    expect(registered.filter((resource) => resource.type === SECRET && resource.name.endsWith("-pgpass")).map((resource) => resource.name)).toEqual([
      "prod-cred-app-pgpass",
    ]);
  });
});
