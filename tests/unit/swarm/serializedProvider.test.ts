/**
 * The node-label provider as the real engine runs it: serialized by Pulumi into
 * __provider, then loaded in the dynamic-provider host with nothing captured.
 */
import { NODE_LABELS, ofType, runStack } from "../../helpers/stacks";

jest.setTimeout(60_000);

describe("the serialized node-label provider", () => {
  let provider: any;
  let inputs: any;

  beforeAll(async () => {
    const result = await runStack("staging");
    const [resource] = ofType(result, NODE_LABELS);
    inputs = resource.inputs;
    // The same loader @pulumi/pulumi's dynamic-provider host uses.
    const requireFromString = require("require-from-string");
    provider = requireFromString(inputs.__provider).handler();
  });

  it("carries create, diff, update and delete", () => {
    for (const method of ["create", "diff", "update", "delete"]) expect(typeof provider[method]).toBe("function");
  });

  it("diffs on its own: a label change updates, a node change replaces after deleting", async () => {
    const olds = { dockerHost: inputs.dockerHost, node: "stg-db-1", labels: { a: "1" }, nodeId: "n1" };
    expect(await provider.diff("n1", olds, { ...olds, labels: { a: "2" } })).toMatchObject({ changes: true, replaces: [] });
    expect(await provider.diff("n1", olds, { ...olds, node: "stg-db-2" })).toMatchObject({ changes: true, replaces: ["node"], deleteBeforeReplace: true });
    expect(await provider.diff("n1", olds, { ...olds })).toMatchObject({ changes: false });
  });

  it("reaches Docker through the host it is given (dockerode required inside, no client captured)", async () => {
    const unreachable = { dockerHost: "unix:///nonexistent/docker.sock", node: "stg-db-1", labels: { a: "1" } };
    await expect(provider.create(unreachable)).rejects.toThrow(/ENOENT|connect/);
  });

  it("is given the Docker host from docker:host", () => expect(inputs.dockerHost).toBe("ssh://deploy@staging-manager.example.org"));
});
