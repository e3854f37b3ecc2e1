/**
 * Deploy and destroy a stack on the testbed: the real program under mocks,
 * applied by the SwarmApplier as `pulumi up` would, with a summary of what changed.
 */
import * as os from "os";
import * as path from "path";
import { runProgram, type RunResult } from "../../tools/lib/mockRun";
import { destroyStack, SwarmApplier } from "./applier";
import { formatSummary, objectLabel, type ChangeSummary } from "./summary";
import { dockerOn, MANAGER, nodeHost, NODES } from "./testbed";

export const STATE_DIR = process.env.PGSWARM_E2E_STATE ?? path.join(os.tmpdir(), "pgswarm-e2e");

/** The applier's state belongs to one swarm: a rebuilt testbed starts from none. */
async function stateFileFor(stack: string): Promise<string> {
  const swarmId = ((await dockerOn(MANAGER).swarmInspect()) as { ID: string }).ID;
  return path.join(STATE_DIR, `${stack}-${swarmId}.json`);
}

export async function applierFor(stack: string): Promise<SwarmApplier> {
  return new SwarmApplier(dockerOn(MANAGER), await stateFileFor(stack));
}

export interface DeployOptions {
  /** Fail (after applying, as `pulumi up --expect-no-changes`) when the run changes anything: for a second run. */
  expectNoChanges?: boolean;
  /** Return objects deleted outside the stack in `summary.drift` instead of failing. */
  allowDrift?: boolean;
}

export interface Deployment extends RunResult {
  applier: SwarmApplier;
  /** Created, updated, replaced, deleted and unchanged resources; drift. */
  summary: ChangeSummary;
  /** The objects deleted, as "service e2e_web", "network e2e_db". */
  pruned: string[];
}

/**
 * Runs the program for `config` (pgswarm: keys) against the testbed. Throws with
 * each failed resource named, on drift (unless allowed) and, with
 * expectNoChanges, on any change, listing them.
 */
export async function deploy(stack: string, config: Record<string, unknown>, options: DeployOptions = {}): Promise<Deployment> {
  const applier = await applierFor(stack);
  freshProgramModules();
  const result = await runProgram(stack, { ...config, "docker:host": nodeHost(MANAGER) }, applier.apply);
  if (result.errors.length > 0) {
    // Like a failed `pulumi up`: no deletes after a failed step.
    throw new Error(
      `deploy of ${stack} failed:\n${result.errors.map((error) => `  - ${error.name}: ${error.message}`).join("\n")}\n` +
        `changes made before the failure:\n${formatSummary(applier.summary())}`,
    );
  }
  const summary = await applier.finish();
  if (summary.drift.length > 0 && !options.allowDrift) {
    throw new Error(`deploy of ${stack} found objects deleted outside the stack (pulumi up would not recreate them):\n${formatSummary(summary)}`);
  }
  if (options.expectNoChanges) assertNoChanges(stack, summary);
  return { ...result, applier, summary, pruned: summary.deleted.map(objectLabel) };
}

/** A run that should have changed nothing (a second run with the same config) did: a perpetual diff. */
export function assertNoChanges(stack: string, summary: ChangeSummary): void {
  if (summary.changes > 0) throw new Error(`a second deploy of ${stack} with the same config changed ${summary.changes} resource(s):\n${formatSummary(summary)}`);
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

/**
 * The services that depend on the backup repository go before it, as `pulumi destroy`
 * orders them (the cluster dependsOn the repository, and pulumi-docker waits for a
 * removed service's containers): a stopping member archives its last WAL on the way down.
 */
async function removeRepositoryDependents(stack: string): Promise<string[]> {
  const manager = dockerOn(MANAGER);
  const services = await manager.listServices({ filters: { label: [`pgswarm.stack=${stack}`] } });
  const dependents = services.filter((service) => service.Spec?.Labels?.["pgswarm.role"] !== "backup-repo");
  if (dependents.length === services.length) return [];
  const names = dependents.map((service) => service.Spec!.Name!);
  for (const service of dependents) await manager.getService(service.ID!).remove();
  for (let waited = 0; waited < 120_000; waited += 1000) {
    // Docker ANDs label filters: one query per service name and node.
    const remaining = (
      await Promise.all(NODES.flatMap((node) => names.map((name) => dockerOn(node).listContainers({ all: true, filters: { label: [`com.docker.swarm.service.name=${name}`] } }))))
    ).flat();
    if (remaining.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return names.map((name) => `service ${name}`);
}

/** Removes every service, secret, config, network and node label of the stack; volumes only when asked. */
export async function destroy(stack: string, options: { volumes?: boolean } = {}): Promise<string[]> {
  const first = await removeRepositoryDependents(stack);
  const removed = [...first, ...(await destroyStack(dockerOn(MANAGER), stack, await stateFileFor(stack)))];
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
      // Gone already (listed a moment before it went): done.
      if ((error as { statusCode?: number }).statusCode === 404) return;
      // A container of a removed service may still hold it for a moment.
      if (attempt >= 60) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
