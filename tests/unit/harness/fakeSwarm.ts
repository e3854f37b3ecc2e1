/** An in-memory swarm and state for engine tests: records every write, in order. */
import type { Applied, Executor, StateData, StateStore } from "../../harness/engine";
import { emptyState } from "../../harness/engine";
import { TYPES } from "../../harness/providerSchema";
import { shortType, type Registration, type StoredResource } from "../../harness/steps";
import { dockerNameOf } from "../../harness/summary";

export class MemoryStore implements StateStore {
  data: StateData = emptyState();
  saves = 0;
  load(): StateData {
    return structuredClone(this.data);
  }
  save(state: StateData): void {
    this.data = structuredClone(state);
    this.saves++;
  }
}

/** Objects the swarm would hold; random passwords and images hold nothing there. */
const IN_SWARM = new Set<string>([TYPES.service, TYPES.network, TYPES.secret, TYPES.config, TYPES.nodeLabels]);

export class FakeSwarm implements Executor {
  /** Every write, as "create Service e2e_web". */
  readonly writes: string[] = [];
  /** Objects by id. */
  readonly objects = new Map<string, { type: string; name?: string }>();
  private next = 1;

  async create(reg: Registration, inputs: Record<string, any>): Promise<Applied> {
    const serial = `${shortType(reg.type)}-${this.next++}`;
    // As strict as terraform-provider-random: every password's id is "none" (its old and new objects share it).
    const id = reg.type === TYPES.randomPassword ? "none" : serial;
    const outputs: Record<string, any> = { ...inputs };
    if (reg.type === TYPES.randomPassword) outputs.result = `pw-${serial}`;
    // @pulumi/tls's outputs, as placeholders: what matters here is which resource exists and what replaces it.
    if (reg.type === TYPES.tlsPrivateKey) outputs.privateKeyPem = `key-${id}`;
    if (reg.type === TYPES.tlsCertRequest) outputs.certRequestPem = `csr-${id}`;
    if (reg.type === TYPES.tlsSelfSignedCert || reg.type === TYPES.tlsLocallySignedCert) outputs.certPem = `cert-${id}`;
    if (reg.type === TYPES.nodeLabels) outputs.nodeId = `node-${inputs.node}`;
    if (IN_SWARM.has(reg.type)) this.objects.set(id, { type: reg.type, name: dockerNameOf(reg.type, inputs) });
    this.writes.push(`create ${shortType(reg.type)} ${dockerNameOf(reg.type, inputs) ?? reg.name}`);
    return { id, outputs };
  }

  async update(old: StoredResource, inputs: Record<string, any>): Promise<Applied> {
    this.writes.push(`update ${shortType(old.type)} ${dockerNameOf(old.type, inputs) ?? old.name}`);
    return { id: old.id, outputs: { ...old.outputs, ...inputs } };
  }

  async delete(old: StoredResource): Promise<void> {
    this.writes.push(`delete ${shortType(old.type)} ${dockerNameOf(old.type, old.inputs, old.outputs) ?? old.name}`);
    this.objects.delete(old.id);
  }

  async exists(old: StoredResource): Promise<boolean> {
    return !IN_SWARM.has(old.type) || this.objects.has(old.id);
  }

  /** Someone removes an object by hand. */
  removeByHand(dockerName: string): void {
    for (const [id, object] of this.objects) if (object.name === dockerName) this.objects.delete(id);
  }
}
