/**
 * What every e2e file does the same way: deploy a config to the testbed like
 * `pulumi up` (the program runs in a fresh module registry: a fresh Pulumi
 * runtime), then run it again and require that the second run changes nothing.
 */
import type { Deployment } from "../harness/deploy";

const transient = (error: unknown) => /lost leader|no leader|does not have a leader|raft|deadline exceeded/i.test(String((error as Error)?.message ?? error));

/**
 * Runs a deploy or destroy again when Swarm's managers were electing (after a
 * node was cut off and healed, they may for a minute or two): as an operator
 * runs `pulumi up` again. Anything else fails at once.
 */
async function whileSwarmElects<T>(action: () => Promise<T>, attempts = 4): Promise<T> {
  const testbed: typeof import("../harness/testbed") = require("../harness/testbed");
  for (let attempt = 1; ; attempt++) {
    await testbed.waitSwarmSettled(300_000);
    try {
      return await action();
    } catch (error) {
      if (!transient(error) || attempt >= attempts) throw error;
      process.stdout.write(`Swarm's managers were electing (${(error as Error).message.split("\n")[0]}): running again\n`);
    }
  }
}

export async function deployTwice(stack: string, config: Record<string, unknown>): Promise<Deployment> {
  const deployed = await whileSwarmElects(() => {
    jest.resetModules();
    const harness: typeof import("../harness/deploy") = require("../harness/deploy");
    return harness.deploy(stack, config);
  });
  await whileSwarmElects(() => {
    jest.resetModules();
    const again: typeof import("../harness/deploy") = require("../harness/deploy");
    return again.deploy(stack, config, { expectNoChanges: true });
  });
  return deployed;
}

/** Removes the stack and its volumes (a clean start for a suite). */
export async function destroyStack(stack: string): Promise<void> {
  await whileSwarmElects(() => {
    jest.resetModules();
    return (require("../harness/deploy") as typeof import("../harness/deploy")).destroy(stack, { volumes: true });
  });
}
