/**
 * What every e2e file does the same way: deploy a config to the testbed like
 * `pulumi up` (the program runs in a fresh module registry: a fresh Pulumi
 * runtime), then run it again and require that the second run changes nothing.
 */
import type { Deployment } from "../harness/deploy";

export async function deployTwice(stack: string, config: Record<string, unknown>): Promise<Deployment> {
  jest.resetModules();
  const harness: typeof import("../harness/deploy") = require("../harness/deploy");
  const deployed = await harness.deploy(stack, config);
  jest.resetModules();
  const again: typeof import("../harness/deploy") = require("../harness/deploy");
  await again.deploy(stack, config, { expectNoChanges: true });
  return deployed;
}

/** Removes the stack and its volumes (a clean start for a suite). */
export async function destroyStack(stack: string): Promise<void> {
  jest.resetModules();
  await (require("../harness/deploy") as typeof import("../harness/deploy")).destroy(stack, { volumes: true });
}
