/**
 * The e2e harness's stand-in for `pulumi up` with pulumi-docker: the engine
 * (engine.ts) plans each registration against the state of the last run, and
 * this executor carries the steps out on the swarm through the Docker Engine
 * API the way terraform-provider-docker v4.5.0 (inside pulumi-docker 5.x) does:
 * create, update in place, delete (a service: its local containers awaited for
 * the stop grace period; a network: retried while it has active endpoints),
 * and convergeConfig's wait for tasks. A JSON file plays Pulumi's state.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type Docker from "dockerode";
import { nodeLabelsProvider, type NodeLabelsOutputs } from "../../components/swarm/nodeLabels";
import type { RegisteredResource, ResourceResult } from "../../tools/lib/mockRun";
import { nextPollWait, replicaProgress, updateVerdict } from "./converge";
import { diffInputs, NO_CHANGES, UNKNOWN } from "./diff";
import { emptyState, Engine, type Applied, type Executor, type StateData, type StateStore } from "./engine";
import { TYPES } from "./providerSchema";
import * as tls from "./tls";
import type { DiffFn, Registration, StoredResource } from "./steps";
import type { ChangeSummary } from "./summary";
import { convergeSettings, networkSpec, secretOrConfigSpec, serviceSpec, stopGracePeriodMs } from "./translate";

const STACK_LABEL = "pgswarm.stack";
const stackFilter = (stack: string) => ({ label: [`${STACK_LABEL}=${stack}`] });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** The Engine API's own message when there is one. */
const messageOf = (error: unknown) => (error as { json?: { message?: string } }).json?.message ?? (error as Error).message;
const isNotFound = (error: unknown) => (error as { statusCode?: number }).statusCode === 404 || /not found|no such/i.test(messageOf(error));

export class FileStateStore implements StateStore {
  constructor(readonly file: string) {}

  load(): StateData {
    if (!fs.existsSync(this.file)) return emptyState();
    const data = JSON.parse(fs.readFileSync(this.file, "utf8"));
    if (data.version !== 2) throw new Error(`${this.file} was written by an earlier applier: destroy the stack (or delete the file) first`);
    return data;
  }

  save(state: StateData): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    // Holds the generated passwords: readable by its owner only.
    fs.writeFileSync(this.file, JSON.stringify(state, null, 2), { mode: 0o600 });
  }
}

/** Alphanumeric, as `special: false` asks; the only kind the program generates. */
function generatePassword(inputs: Record<string, any>): string {
  let result = "";
  while (result.length < (inputs.length ?? 32)) result += randomBytes(48).toString("base64").replace(/[^A-Za-z0-9]/g, "");
  return result.slice(0, inputs.length ?? 32);
}

/** Node labels diff as their dynamic provider says; the rest by the provider schemas. */
const applierDiff: DiffFn = async (type, olds, news, context) => {
  if (type !== TYPES.nodeLabels) return diffInputs(type, olds, news, { explicitName: context.explicitName });
  const unknown = Object.keys(news).filter((key) => news[key] === UNKNOWN);
  // The dynamic provider cannot diff unknowns: assume the worst.
  if (unknown.length > 0) return { changed: unknown, replaceReasons: unknown, deleteBeforeReplace: true };
  const result = await nodeLabelsProvider.diff!(context.old.id, context.old.outputs, news);
  if (!result.changes) return NO_CHANGES;
  const changed = diffInputs(type, olds, news).changed;
  return { changed: changed.length > 0 ? changed : ["labels"], replaceReasons: result.replaces ?? [], deleteBeforeReplace: !!result.deleteBeforeReplace };
};

export class DockerExecutor implements Executor {
  constructor(private readonly docker: Docker) {}

  async create(reg: Registration, inputs: Record<string, any>): Promise<Applied> {
    switch (reg.type) {
      case TYPES.randomPassword:
        return { id: reg.name, outputs: { ...inputs, result: generatePassword(inputs) } };
      case TYPES.tlsPrivateKey:
        return { id: reg.name, outputs: await tls.privateKey(inputs) };
      case TYPES.tlsSelfSignedCert:
        return { id: reg.name, outputs: await tls.selfSignedCert(inputs) };
      case TYPES.tlsCertRequest:
        return { id: reg.name, outputs: await tls.certRequest(inputs) };
      case TYPES.tlsLocallySignedCert:
        return { id: reg.name, outputs: await tls.locallySignedCert(inputs) };
      case TYPES.network: {
        const network = await this.call(() => this.docker.createNetwork(networkSpec(inputs) as Docker.NetworkCreateOptions));
        return { id: network.id, outputs: inputs };
      }
      case TYPES.secret:
      case TYPES.config: {
        const spec = secretOrConfigSpec(inputs.name, inputs);
        const created: any = await this.call(() => (reg.type === TYPES.secret ? this.docker.createSecret(spec) : this.docker.createConfig(spec)));
        return { id: created.id ?? created.ID, outputs: inputs };
      }
      case TYPES.service:
        return this.createService(inputs);
      case TYPES.nodeLabels: {
        const { id, outs } = await nodeLabelsProvider.create!(inputs as NodeLabelsOutputs);
        return { id, outputs: outs };
      }
      case TYPES.image:
        await this.call(() => this.docker.getImage(inputs.imageName).inspect());
        return { id: inputs.imageName, outputs: inputs };
      default:
        throw new Error(`the applier does not know resource type ${reg.type}`);
    }
  }

  async update(old: StoredResource, inputs: Record<string, any>): Promise<Applied> {
    switch (old.type) {
      case TYPES.service: {
        const service = this.docker.getService(old.id);
        const current: any = await this.call(() => service.inspect());
        await this.call(() => service.update({ ...serviceSpec(inputs), version: current.Version.Index } as any));
        if (inputs.convergeConfig) await this.converge(old.id, "update", inputs.convergeConfig);
        return { id: old.id, outputs: inputs };
      }
      case TYPES.nodeLabels: {
        const { outs } = await nodeLabelsProvider.update!(old.id, old.outputs, inputs);
        return { id: outs.nodeId, outputs: outs };
      }
      case TYPES.image:
        await this.call(() => this.docker.getImage(inputs.imageName).inspect());
        return { id: inputs.imageName, outputs: inputs };
      default:
        throw new Error(`${old.type} has no update: its provider replaces it`);
    }
  }

  async delete(old: StoredResource): Promise<void> {
    switch (old.type) {
      case TYPES.service:
        return this.removeService(old.id, old.inputs);
      case TYPES.network:
        return this.removeNetwork(old.id);
      case TYPES.secret:
        return this.call(() => this.docker.getSecret(old.id).remove());
      case TYPES.config:
        return this.call(() => this.docker.getConfig(old.id).remove());
      case TYPES.nodeLabels:
        return nodeLabelsProvider.delete!(old.id, old.outputs);
      default:
        // Random passwords, keys, certificates and local images leave nothing in the swarm.
        return;
    }
  }

  async exists(old: StoredResource): Promise<boolean> {
    const inspect: Record<string, () => Promise<unknown>> = {
      [TYPES.service]: () => this.docker.getService(old.id).inspect(),
      [TYPES.network]: () => this.docker.getNetwork(old.id).inspect(),
      [TYPES.secret]: () => this.docker.getSecret(old.id).inspect(),
      [TYPES.config]: () => this.docker.getConfig(old.id).inspect(),
    };
    if (!inspect[old.type]) return true;
    try {
      await inspect[old.type]();
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw new Error(messageOf(error));
    }
  }

  /** Engine API errors carry their message in the JSON body. */
  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw new Error(messageOf(error));
    }
  }

  private async createService(inputs: Record<string, any>): Promise<Applied> {
    const created: any = await this.call(() => this.docker.createService(serviceSpec(inputs) as any));
    const id: string = created.id ?? created.ID;
    if (inputs.convergeConfig) {
      try {
        await this.converge(id, "create", inputs.convergeConfig);
      } catch (error) {
        // The provider deletes a service that did not converge, then fails.
        await this.removeService(id, inputs);
        throw error;
      }
    }
    return { id, outputs: inputs };
  }

  /**
   * deleteService: remove the service, then wait (up to the stop grace period)
   * for the containers its tasks had, as far as the manager's own engine knows
   * them; containers on other nodes answer "no such container" and are not
   * awaited. Swarm forgets the service before its containers have stopped.
   */
  private async removeService(id: string, inputs: Record<string, any>): Promise<void> {
    const graceMs = stopGracePeriodMs(inputs);
    let containers: string[] = [];
    if (graceMs > 0) {
      const tasks: any[] = await this.call(() => this.docker.listTasks({ filters: { service: [inputs.name] } }));
      containers = tasks
        .filter((task) => task.Status?.ContainerStatus?.ContainerID && task.Status.State !== "shutdown")
        .map((task) => task.Status.ContainerStatus.ContainerID);
    }
    await this.call(() => this.docker.getService(id).remove());
    await this.waitGone(`service ${inputs.name}`, () => this.docker.getService(id).inspect());
    for (const containerId of containers) {
      const container = this.docker.getContainer(containerId);
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), graceMs);
      try {
        await container.wait({ condition: "removed", abortSignal: abort.signal });
      } catch (error) {
        if (!/no such container/i.test(messageOf(error))) throw new Error(`error on wait for container with ID '${containerId}': ${messageOf(error)}`);
      } finally {
        clearTimeout(timer);
      }
      try {
        await container.remove({ v: true, force: true });
      } catch (error) {
        if (!/no such container|already in progress/i.test(messageOf(error))) throw new Error(`Error deleting container with ID '${containerId}': ${messageOf(error)}`);
      }
    }
  }

  /**
   * resourceDockerNetworkDelete: after 2 s, inspect (gone: done) and remove,
   * retried for 30 s while the network has active endpoints; then, for a
   * delete-before-replace, until the manager no longer lists it.
   */
  private async removeNetwork(id: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    await sleep(2000);
    for (let wait = 100; ; ) {
      try {
        await this.docker.getNetwork(id).inspect();
      } catch {
        break;
      }
      try {
        await this.docker.getNetwork(id).remove();
        break;
      } catch (error) {
        if (!/has active endpoints/i.test(messageOf(error))) throw new Error(messageOf(error));
      }
      if (Date.now() >= deadline) throw new Error(`timeout while waiting for network ${id} to be removed (30s): it still has active endpoints`);
      wait = nextPollWait(wait);
      await sleep(Math.min(wait, deadline - Date.now()));
    }
    await this.waitGone(`network ${id}`, () => this.docker.getNetwork(id).inspect());
  }

  /** Polls until inspecting answers "not found". */
  private async waitGone(what: string, inspect: () => Promise<unknown>, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await inspect();
      } catch (error) {
        if (isNotFound(error)) return;
        throw new Error(messageOf(error));
      }
      if (Date.now() >= deadline) throw new Error(`${what} is still there ${timeoutMs / 1000} s after its removal`);
      await sleep(500);
    }
  }

  /** convergeConfig: poll the service until the provider would call it converged, or fail. */
  private async converge(id: string, phase: "create" | "update", config: Record<string, any>): Promise<void> {
    const { delayMs, timeoutMs } = convergeSettings(config, phase);
    const deadline = Date.now() + timeoutMs;
    await sleep(Math.min(delayMs, timeoutMs));
    for (let wait = 100; ; ) {
      const service: any = await this.call(() => this.docker.getService(id).inspect());
      let rollingBack = false;
      if (phase === "update") {
        const verdict = updateVerdict(service.UpdateStatus);
        if (verdict === "completed") return;
        if (typeof verdict === "object") throw new Error(verdict.error);
        rollingBack = verdict === "rolling-back";
      }
      const tasks: any[] = await this.call(() => this.docker.listTasks({ filters: { service: [id], "desired-state": ["running"] } }));
      const nodes: any[] = await this.call(() => this.docker.listNodes());
      const active = new Set(nodes.filter((node) => node.Status?.State !== "down").map((node) => node.ID as string));
      const { running, wanted } = replicaProgress(service, tasks, active);
      if (running === wanted) {
        if (rollingBack) throw new Error(`service rollback completed: ${service.UpdateStatus?.Message ?? ""}`);
        return;
      }
      if (Date.now() >= deadline) throw new Error(`Service with ID (${id}) did not converge after ${timeoutMs / 1000}s: ${running}/${wanted} running`);
      wait = nextPollWait(wait);
      await sleep(Math.min(wait, deadline - Date.now()));
    }
  }
}

/** One stack's applier: the engine with the Docker executor and the state file. */
export class SwarmApplier {
  private readonly engine: Engine;

  constructor(docker: Docker, stateFile: string) {
    this.engine = new Engine(new FileStateStore(stateFile), new DockerExecutor(docker), { diff: applierDiff });
  }

  /** The mock's newResource. */
  readonly apply = (resource: RegisteredResource): Promise<ResourceResult> => this.engine.apply(resource);

  /** After the program ran without errors: the deletes, then the change summary. */
  finish(): Promise<ChangeSummary> {
    return this.engine.finish();
  }

  /** What has changed so far (a failed run ends before finish). */
  summary(): ChangeSummary {
    return this.engine.summary();
  }

  /** The generated passwords, so tests can prove they appear nowhere they must not. */
  get passwords(): string[] {
    return this.engine.resources.filter((resource) => resource.type === TYPES.randomPassword).map((resource) => resource.outputs.result);
  }

  /** The private keys @pulumi/tls generated (the CA's and each host's), PEM: for tests that prove none leaks. */
  get privateKeys(): string[] {
    return this.engine.resources.filter((resource) => resource.type === TYPES.tlsPrivateKey).map((resource) => resource.outputs.privateKeyPem);
  }
}

/** The node labels a state file (of this applier or an earlier one) says the stack set. */
function nodeLabelsInState(stateFile: string): NodeLabelsOutputs[] {
  if (!fs.existsSync(stateFile)) return [];
  const data = JSON.parse(fs.readFileSync(stateFile, "utf8"));
  if (data.version === 2) {
    return [...data.resources, ...data.pendingDeletes].filter((resource: StoredResource) => resource.type === TYPES.nodeLabels).map((resource: StoredResource) => resource.outputs as NodeLabelsOutputs);
  }
  return Object.values(data.nodeLabels ?? {});
}

/**
 * Test teardown, not `pulumi destroy`: removes whatever carries the stack's
 * label (also what a failed run left outside the state) and the node labels
 * the state knows, then starts the state afresh.
 */
export async function destroyStack(docker: Docker, stack: string, stateFile: string): Promise<string[]> {
  const removed: string[] = [];
  const filters = { filters: stackFilter(stack) };
  for (const service of await docker.listServices(filters)) {
    await docker.getService(service.ID!).remove();
    removed.push(`service ${service.Spec!.Name}`);
  }
  for (const secret of await docker.listSecrets(filters)) {
    await docker.getSecret(secret.ID).remove();
    removed.push(`secret ${secret.Spec!.Name}`);
  }
  for (const config of (await docker.listConfigs(filters)) as any[]) {
    await docker.getConfig(config.ID).remove();
    removed.push(`config ${config.Spec.Name}`);
  }
  for (const labels of nodeLabelsInState(stateFile)) {
    await nodeLabelsProvider.delete!(labels.nodeId, labels);
    removed.push(`node labels ${labels.node}`);
  }
  for (const network of await docker.listNetworks(filters)) {
    await removeNetworkPatiently(docker, network.Id);
    removed.push(`network ${network.Name}`);
  }
  new FileStateStore(stateFile).save(emptyState());
  return removed;
}

/**
 * A network stays busy until the removed services' tasks are gone, and the
 * manager lists it while a local task still holds it: done when it is gone.
 */
async function removeNetworkPatiently(docker: Docker, id: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await docker.getNetwork(id).remove();
    } catch (error) {
      // Already gone answers 404, or 500 "not found" from the manager: both mean done.
      if (!isNotFound(error) && attempt >= 60) throw error;
    }
    const left = await docker.listNetworks({ filters: { id: [id] } });
    if (left.length === 0) return;
    if (attempt >= 60) throw new Error(`network ${id} is still there after ${attempt} s`);
    await sleep(1000);
  }
}
