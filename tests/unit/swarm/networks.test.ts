/** The Networks component alone under Pulumi's mocks: the subnets and encryption a stack's networks section asks for. */
import type * as pulumiType from "@pulumi/pulumi";
import { defaultDbSubnet } from "../../../components/names";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
}

let registered: Registered[] = [];
let pulumi: typeof pulumiType;
let Networks: typeof import("../../../components/swarm").Networks;

beforeAll(async () => {
  jest.resetModules();
  pulumi = require("@pulumi/pulumi");
  await pulumi.runtime.setMocks(
    {
      newResource: async (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "pgswarm",
    "prod",
    false,
  );
  // The component is imported after setMocks, as the mocks require.
  Networks = require("../../../components/swarm").Networks;
});

async function build(config: { encrypted: boolean; dbSubnet?: string; appSubnet?: string }) {
  registered = [];
  const networks = new Networks("prod-net", { stack: "prod", config });
  await new Promise((resolve) => pulumi.all([networks.db.id, networks.app.id]).apply(resolve));
  const byName = (name: string) => registered.find((resource) => resource.inputs.name === name)!.inputs;
  return { networks, db: byName("prod_db"), app: byName("prod_app") };
}

describe("the stack's networks", () => {
  it("give the DB network the subnet derived from the stack when none is set, and leave the app network to Docker", async () => {
    const { networks, db, app } = await build({ encrypted: true });
    expect(networks.dbSubnet).toBe(defaultDbSubnet("prod"));
    expect(db.ipamConfigs).toEqual([{ subnet: defaultDbSubnet("prod") }]);
    expect(app.ipamConfigs).toBeUndefined();
    expect([db.options, app.options]).toEqual([{ encrypted: "true" }, { encrypted: "true" }]);
    expect([db.driver, app.driver, db.attachable]).toEqual(["overlay", "overlay", false]);
  });

  it("use the subnets the stack sets, unencrypted when it says so", async () => {
    const { networks, db, app } = await build({ encrypted: false, dbSubnet: "10.20.0.0/24", appSubnet: "10.20.1.0/24" });
    expect(networks.dbSubnet).toBe("10.20.0.0/24");
    expect(db.ipamConfigs).toEqual([{ subnet: "10.20.0.0/24" }]);
    expect(app.ipamConfigs).toEqual([{ subnet: "10.20.1.0/24" }]);
    expect([db.options, app.options]).toEqual([{}, {}]);
  });
});
