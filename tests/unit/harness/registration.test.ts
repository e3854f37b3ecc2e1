/**
 * What the harness learns from each registration beyond MockResourceArgs: the
 * URN, the dependencies by input and the resource options the program set.
 */
import type { RegisteredResource } from "../../../tools/lib/mockRun";

jest.setTimeout(30_000);

it("carries the URN, dependsOn and input dependencies, and protect/deleteBeforeReplace/replaceOnChanges/ignoreChanges/retainOnDelete", async () => {
  jest.resetModules();
  const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  const docker = require("@pulumi/docker") as typeof import("@pulumi/docker");
  const { watchRegistrations } = require("../../../tools/lib/mockRun") as typeof import("../../../tools/lib/mockRun");
  const seen = new Map<string, Partial<RegisteredResource>>();
  let registration: () => Partial<RegisteredResource> = () => ({});
  await pulumi.runtime.setMocks(
    {
      newResource: async (args) => {
        seen.set(args.name, registration());
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "project",
    "stack",
    false,
  );
  registration = watchRegistrations(pulumi.runtime.getMonitor() as any);

  const db = new docker.Network("db", { name: "s_db", driver: "overlay" }, { protect: true, deleteBeforeReplace: true, ignoreChanges: ["labels"], retainOnDelete: true });
  const app = new docker.Network("app", { name: "s_app", driver: "overlay" });
  const service = new docker.Service(
    "web",
    { name: "s_web", taskSpec: { containerSpec: { image: "app:1" }, networksAdvanceds: [{ id: db.id }] } },
    { dependsOn: [app], replaceOnChanges: ["taskSpec.containerSpec.image"] },
  );
  await new Promise((resolve) => service.id.apply(resolve));

  const urn = (type: string, name: string) => `urn:pulumi:stack::project::${type}::${name}`;
  const dbUrn = urn("docker:index/network:Network", "db");
  const appUrn = urn("docker:index/network:Network", "app");
  expect(seen.get("db")).toMatchObject({
    urn: dbUrn,
    options: { protect: true, deleteBeforeReplace: true, ignoreChanges: ["labels"], retainOnDelete: true },
  });
  expect(seen.get("app")?.options).toMatchObject({ protect: undefined, deleteBeforeReplace: undefined, retainOnDelete: undefined });
  const web = seen.get("web")!;
  expect(web.urn).toBe(urn("docker:index/service:Service", "web"));
  expect(new Set(web.dependencies)).toEqual(new Set([dbUrn, appUrn]));
  expect(web.propertyDependencies?.taskSpec).toEqual([dbUrn]);
  expect(web.options).toMatchObject({ replaceOnChanges: ["taskSpec.containerSpec.image"], deleteBeforeReplace: undefined });
});
