/**
 * Deploy and destroy a stack on the testbed: the real program under mocks,
 * applied by the SwarmApplier, then waiting until the swarm has converged.
 */
import * as os from "os";
import * as path from "path";
import { runProgram, type RunResult } from "../../tools/lib/mockRun";
import { SwarmApplier } from "./applier";
import { dockerOn, MANAGER, nodeHost, NODES } from "./testbed";

export const STATE_DIR = process.env.PGSWARM_E2E_STATE ?? path.join(os.tmpdir(), "pgswarm-e2e");

/** The applier's state belongs to one swarm: a rebuilt testbed starts from none. */
export async function applierFor(stack: string): Promise<SwarmApplier> {
  const docker = dockerOn(MANAGER);
  const swarmId = ((await docker.swarmInspect()) as { ID: string }).ID;
  return new SwarmApplier(docker, stack, path.join(STATE_DIR, `${stack}-${swarmId}.json`));
}

export interface Deployment extends RunResult {
  applier: SwarmApplier;
  pruned: string[];
}

/** Runs the program for `config` (pgswarm: keys) against the testbed. Throws with each failed resource named. */
export async function deploy(stack: string, config: Record<string, unknown>): Promise<Deployment> {
  const applier = await applierFor(stack);
  freshProgramModules();
  const result = await runProgram(stack, { ...config, "docker:host": nodeHost(MANAGER) }, applier.apply);
  if (result.errors.length > 0) {
    throw new Error(`deploy of ${stack} failed:\n${result.errors.map((error) => `  - ${error.name}: ${error.message}`).join("\n")}`);
  }
  const pruned = await applier.prune();
  return { ...result, applier, pruned };
}

/**
 * Every run needs a fresh Pulumi runtime, and the program's modules must bind to it.
 * (Under jest, tests call jest.resetModules() instead: jest keeps its own registry.)
 */
function freshProgramModules(): void {
  for (const key of Object.keys(require.cache)) {
    if (!key.includes(`${path.sep}node_modules${path.sep}`) || key.includes(`${path.sep}@pulumi${path.sep}`)) {
      if (!key.includes(`${path.sep}tests${path.sep}harness${path.sep}`)) delete require.cache[key];
    }
  }
}

/** Removes every service, secret, config, network and node label of the stack; volumes only when asked. */
export async function destroy(stack: string, options: { volumes?: boolean } = {}): Promise<string[]> {
  const removed = await (await applierFor(stack)).prune({ everything: true });
  if (options.volumes) {
    for (const node of NODES) {
      const docker = dockerOn(node);
      const { Volumes } = await docker.listVolumes({ filters: { label: [`pgswarm.stack=${stack}`] } });
      for (const volume of Volumes ?? []) {
        await removeVolume(docker, volume.Name);
        removed.push(`volume ${volume.Name} on ${node}`);
      }
    }
  }
  return removed;
}

async function removeVolume(docker: ReturnType<typeof dockerOn>, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await docker.getVolume(name).remove();
      return;
    } catch (error) {
      // A container of a removed service may still hold it for a moment.
      if (attempt >= 60) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
