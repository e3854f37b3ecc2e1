/**
 * Applies each resource the program registers under mocks to the real swarm
 * through the Engine API, as the providers would under `pulumi up`: create or
 * update by name, auto-name secrets and configs (a changed one is created
 * anew, the old one pruned), and prune what the stack no longer declares.
 * A small state file plays the part of Pulumi's state (random passwords,
 * auto-names, node labels applied).
 */
import { createHash, randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type Docker from "dockerode";
import { nodeLabelsProvider, type NodeLabelsOutputs } from "../../components/swarm/nodeLabels";
import type { RegisteredResource, ResourceResult } from "../../tools/lib/mockRun";
import { networkSpec, secretOrConfigSpec, serviceSpec } from "./translate";

interface AppliedState {
  passwords: Record<string, string>;
  objects: Record<string, { dockerName: string; hash: string }>;
  nodeLabels: Record<string, NodeLabelsOutputs>;
}

const STACK_LABEL = "pgswarm.stack";
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const stackFilter = (stack: string) => ({ label: [`${STACK_LABEL}=${stack}`] });

export class SwarmApplier {
  private state: AppliedState;
  private declared = { services: new Set<string>(), secrets: new Set<string>(), configs: new Set<string>(), networks: new Set<string>(), nodeLabels: new Set<string>() };

  constructor(
    private readonly docker: Docker,
    private readonly stack: string,
    private readonly stateFile: string,
  ) {
    this.state = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, "utf8")) : { passwords: {}, objects: {}, nodeLabels: {} };
  }

  /** The generated passwords, so tests can prove they appear nowhere they must not. */
  get passwords(): string[] {
    return Object.values(this.state.passwords);
  }

  private save(): void {
    fs.mkdirSync(path.dirname(this.stateFile), { recursive: true });
    fs.writeFileSync(this.stateFile, JSON.stringify(this.state, null, 2), { mode: 0o600 });
  }

  readonly apply = async (resource: RegisteredResource): Promise<ResourceResult> => {
    try {
      return await this.applyOne(resource);
    } catch (error) {
      const message = (error as { json?: { message?: string } }).json?.message ?? (error as Error).message;
      throw new Error(`${resource.type} ${resource.inputs.name ?? resource.name}: ${message}`);
    }
  };

  private async applyOne(resource: RegisteredResource): Promise<ResourceResult> {
    const { type, name, inputs } = resource;
    if (!resource.custom) return { id: name, state: {} };
    switch (type) {
      case "random:index/randomPassword:RandomPassword": {
        // Alphanumeric, like `special: false`.
        this.state.passwords[name] ??= randomBytes(48).toString("base64").replace(/[^A-Za-z0-9]/g, "").slice(0, inputs.length ?? 32);
        this.save();
        return { id: name, state: { ...inputs, result: this.state.passwords[name] } };
      }
      case "docker:index/network:Network":
        return this.applyNetwork(inputs);
      case "docker:index/secret:Secret":
        return this.applySecretOrConfig("secret", name, inputs);
      case "docker:index/serviceConfig:ServiceConfig":
        return this.applySecretOrConfig("config", name, inputs);
      case "docker:index/service:Service":
        return this.applyService(inputs);
      case "pulumi-nodejs:dynamic/pgswarm:NodeLabels":
        return this.applyNodeLabels(name, inputs as NodeLabelsOutputs);
      case "docker:index/image:Image": {
        await this.docker.getImage(inputs.imageName).inspect();
        return { id: inputs.imageName, state: { ...inputs } };
      }
      default:
        throw new Error(`the applier does not know resource type ${type}`);
    }
  }

  private async applyNetwork(inputs: Record<string, any>): Promise<ResourceResult> {
    this.declared.networks.add(inputs.name);
    const existing = (await this.docker.listNetworks({ filters: { name: [inputs.name] } })).find((network) => network.Name === inputs.name);
    const id = existing?.Id ?? (await this.docker.createNetwork(networkSpec(inputs) as Docker.NetworkCreateOptions)).id;
    return { id, state: { ...inputs } };
  }

  private async applySecretOrConfig(kind: "secret" | "config", name: string, inputs: Record<string, any>): Promise<ResourceResult> {
    const hash = sha256(JSON.stringify([inputs.data, inputs.labels]));
    const known = this.state.objects[name];
    const list = kind === "secret" ? await this.docker.listSecrets({ filters: stackFilter(this.stack) }) : await this.docker.listConfigs({ filters: stackFilter(this.stack) });
    const existing = known && known.hash === hash ? list.find((item: any) => item.Spec.Name === known.dockerName) : undefined;
    let dockerName = known?.dockerName;
    let id = existing?.ID;
    if (!existing) {
      // Auto-naming as the provider does: a new value gets a new object; the old one is pruned later.
      dockerName = `${name}-${randomBytes(4).toString("hex").slice(0, 7)}`;
      const spec = secretOrConfigSpec(dockerName, inputs);
      const created = kind === "secret" ? await this.docker.createSecret(spec) : await this.docker.createConfig(spec);
      id = (created as any).id ?? (created as any).ID;
      this.state.objects[name] = { dockerName, hash };
      this.save();
    }
    (kind === "secret" ? this.declared.secrets : this.declared.configs).add(dockerName!);
    return { id: id!, state: { ...inputs, name: dockerName } };
  }

  private async applyService(inputs: Record<string, any>): Promise<ResourceResult> {
    this.declared.services.add(inputs.name);
    const spec = serviceSpec(inputs);
    const existing = (await this.docker.listServices({ filters: { name: [inputs.name] } })).find((service: any) => service.Spec.Name === inputs.name);
    if (!existing) {
      const created = await this.docker.createService(spec as any);
      return { id: (created as any).id ?? (created as any).ID, state: { ...inputs } };
    }
    await this.docker.getService(existing.ID!).update({ ...spec, version: existing.Version!.Index } as any);
    return { id: existing.ID!, state: { ...inputs } };
  }

  private async applyNodeLabels(name: string, inputs: NodeLabelsOutputs): Promise<ResourceResult> {
    this.declared.nodeLabels.add(name);
    const previous = this.state.nodeLabels[name];
    let outs: NodeLabelsOutputs;
    if (!previous) {
      const created = await nodeLabelsProvider.create!(inputs);
      outs = created.outs;
    } else {
      const diff = await nodeLabelsProvider.diff!(previous.nodeId, previous, inputs);
      if (diff.replaces?.length) {
        await nodeLabelsProvider.delete!(previous.nodeId, previous);
        outs = (await nodeLabelsProvider.create!(inputs)).outs;
      } else {
        outs = diff.changes ? (await nodeLabelsProvider.update!(previous.nodeId, previous, inputs)).outs : previous;
      }
    }
    this.state.nodeLabels[name] = outs;
    this.save();
    return { id: outs.nodeId, state: outs };
  }

  /** Removes what carries the stack's label but was not declared in this run (everything, for destroy). */
  async prune(options: { everything?: boolean } = {}): Promise<string[]> {
    const removed: string[] = [];
    const keep = (set: Set<string>, name: string) => !options.everything && set.has(name);
    const filters = { filters: stackFilter(this.stack) };

    for (const service of await this.docker.listServices(filters)) {
      if (keep(this.declared.services, service.Spec!.Name!)) continue;
      await this.docker.getService(service.ID!).remove();
      removed.push(`service ${service.Spec!.Name}`);
    }
    for (const secret of await this.docker.listSecrets(filters)) {
      if (keep(this.declared.secrets, secret.Spec?.Name ?? "")) continue;
      await this.docker.getSecret(secret.ID).remove();
      removed.push(`secret ${secret.Spec!.Name}`);
    }
    for (const config of (await this.docker.listConfigs(filters)) as any[]) {
      if (keep(this.declared.configs, config.Spec.Name)) continue;
      await this.docker.getConfig(config.ID).remove();
      removed.push(`config ${config.Spec.Name}`);
    }
    for (const [name, applied] of Object.entries(this.state.nodeLabels)) {
      if (keep(this.declared.nodeLabels, name)) continue;
      await nodeLabelsProvider.delete!(applied.nodeId, applied);
      delete this.state.nodeLabels[name];
      removed.push(`node labels ${applied.node}`);
    }
    for (const network of await this.docker.listNetworks(filters)) {
      if (keep(this.declared.networks, network.Name)) continue;
      await this.removeNetwork(network.Id);
      removed.push(`network ${network.Name}`);
    }
    if (options.everything) this.state = { passwords: {}, objects: {}, nodeLabels: {} };
    this.save();
    return removed;
  }

  /**
   * A network stays busy until the removed services' tasks are gone, and the
   * manager lists it while a local task still holds it: done when it is gone.
   */
  private async removeNetwork(id: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.docker.getNetwork(id).remove();
      } catch (error) {
        // Already gone answers 404, or 500 "not found" from the manager: both mean done.
        const gone = /not found/i.test(String((error as Error).message));
        if (!gone && attempt >= 60) throw error;
      }
      const left = await this.docker.listNetworks({ filters: { id: [id] } });
      if (left.length === 0) return;
      if (attempt >= 60) throw new Error(`network ${id} is still there after ${attempt} s`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
