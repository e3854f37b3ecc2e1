/**
 * `pulumi up` for the e2e harness: each registration the program makes under
 * mocks is planned against the state of the last run (steps.ts) and carried out
 * by an Executor (applier.ts talks to the Docker Engine API), the state saved
 * after every step as Pulumi checkpoints it; after the program come the deletes,
 * then the change summary. No Docker here: unit tests run it with a fake executor.
 */
import { randomBytes } from "crypto";
import type { RegisteredResource, ResourceResult } from "../../tools/lib/mockRun";
import { diffInputs } from "./diff";
import { RESOURCE_SCHEMAS } from "./providerSchema";
import { describe, Planner, registrationOf, shortType, type DiffFn, type Registration, type Step, type StoredResource } from "./steps";
import { dockerNameOf, summarize, type ChangeEntry, type ChangeSummary, type DriftEntry } from "./summary";

export interface Applied {
  id: string;
  outputs: Record<string, any>;
}

/** The provider side: what each step does to real objects. */
export interface Executor {
  create(reg: Registration, inputs: Record<string, any>): Promise<Applied>;
  update(old: StoredResource, inputs: Record<string, any>): Promise<Applied>;
  delete(old: StoredResource): Promise<void>;
  /** Whether the object still exists: a read, never a write. */
  exists(old: StoredResource): Promise<boolean>;
}

export interface StateData {
  version: 2;
  /** In dependency order. */
  resources: StoredResource[];
  /** Objects replaced create-before-delete and not deleted yet. */
  pendingDeletes: StoredResource[];
}
export const emptyState = (): StateData => ({ version: 2, resources: [], pendingDeletes: [] });

export interface StateStore {
  load(): StateData;
  save(state: StateData): void;
}

export interface EngineOptions {
  /** Defaults to the schema diff (diff.ts); the applier adds the dynamic providers' own diff. */
  diff?: DiffFn;
  autoName?: (name: string) => string;
}

/** pulumi-docker's auto-naming: the logical name, "-", 7 random hex digits. */
export const pulumiAutoName = (name: string) => `${name}-${randomBytes(4).toString("hex").slice(0, 7)}`;

const schemaDiff: DiffFn = async (type, olds, news, context) => diffInputs(type, olds, news, { explicitName: context.explicitName });

export class Engine {
  private readonly initial: StateData;
  private readonly planner: Planner;
  private readonly live: Map<string, StoredResource>;
  /** URNs registered in this run, in arrival order (a dependency order: each arrives after what it depends on). */
  private readonly visited: string[] = [];
  private pendingDeletes: StoredResource[];
  private readonly entries: ChangeEntry[] = [];
  private readonly drift: DriftEntry[] = [];
  /** Deletes made for a replacement: reported as deletes only if no replacement follows. */
  private readonly replacementDeletes = new Map<string, ChangeEntry>();
  private readonly replaced = new Set<string>();

  constructor(
    private readonly store: StateStore,
    private readonly executor: Executor,
    options: EngineOptions = {},
  ) {
    this.initial = store.load();
    this.live = new Map(this.initial.resources.map((resource) => [resource.urn, resource]));
    this.pendingDeletes = [...this.initial.pendingDeletes];
    this.planner = new Planner(this.initial.resources, this.initial.pendingDeletes, {
      diff: options.diff ?? schemaDiff,
      autoName: options.autoName ?? pulumiAutoName,
    });
  }

  /** The resources as the state holds them now, in dependency order. */
  get resources(): StoredResource[] {
    const registered = this.visited.map((urn) => this.live.get(urn)).filter((resource): resource is StoredResource => !!resource);
    const untouched = this.initial.resources.filter((resource) => !this.visited.includes(resource.urn) && this.live.get(resource.urn) === resource);
    return [...registered, ...untouched];
  }

  /** The mock's newResource: plans the registration and carries out its steps. */
  readonly apply = async (resource: RegisteredResource): Promise<ResourceResult> => {
    if (!resource.custom) return { id: resource.name, state: {} };
    const reg = registrationOf(resource);
    try {
      let applied: Applied | undefined;
      for (const step of await this.planner.plan(reg)) applied = (await this.execute(step)) ?? applied;
      return { id: applied!.id, state: applied!.outputs };
    } catch (error) {
      const dockerName = dockerNameOf(reg.type, reg.inputs);
      throw new Error(`${describe(reg)}${dockerName ? ` (${dockerName})` : ""}: ${(error as Error).message}`);
    }
  };

  /** After the program: the deletes, then what the run changed. */
  async finish(): Promise<ChangeSummary> {
    for (const step of this.planner.finish()) {
      try {
        await this.execute(step);
      } catch (error) {
        const { old } = step as Extract<Step, { op: "delete" }>;
        throw new Error(`deleting ${describe(old)} (${dockerNameOf(old.type, old.inputs, old.outputs) ?? old.id}): ${(error as Error).message}`);
      }
    }
    return this.summary();
  }

  /** The summary so far (finish() returns the final one). */
  summary(): ChangeSummary {
    const unreplaced = [...this.replacementDeletes.entries()].filter(([urn]) => !this.replaced.has(urn)).map(([, entry]) => entry);
    return summarize([...this.entries, ...unreplaced], [...this.drift]);
  }

  private async execute(step: Step): Promise<Applied | undefined> {
    switch (step.op) {
      case "same": {
        if (!(await this.executor.exists(step.old))) this.recordDrift(step.old, "same");
        const applied = { id: step.old.id, outputs: step.old.outputs };
        this.record(step.reg, applied, step.inputs);
        this.entries.push(this.entry("same", step.reg, applied));
        return applied;
      }
      case "create": {
        const applied = await this.executor.create(step.reg, step.inputs);
        this.record(step.reg, applied, step.inputs);
        this.entries.push(this.entry("create", step.reg, applied));
        return applied;
      }
      case "update": {
        if (!(await this.executor.exists(step.old))) {
          this.recordDrift(step.old, "update");
          throw new Error(`${step.old.id} was deleted outside the stack: the provider's update fails on it`);
        }
        const applied = await this.executor.update(step.old, step.inputs);
        this.record(step.reg, applied, step.inputs);
        this.entries.push({ ...this.entry("update", step.reg, applied), changed: step.changed });
        return applied;
      }
      case "replace": {
        const applied = await this.executor.create(step.reg, step.inputs);
        if (!step.deleteBeforeReplace) this.pendingDeletes.push(step.old);
        this.record(step.reg, applied, step.inputs);
        this.replaced.add(step.reg.urn);
        this.entries.push({
          ...this.entry("replace", step.reg, applied),
          previousDockerName: dockerNameOf(step.old.type, step.old.inputs, step.old.outputs),
          reasons: step.reasons,
          deleteBeforeReplace: step.deleteBeforeReplace,
          cause: step.cause ? this.nameOf(step.cause) : undefined,
        });
        return applied;
      }
      case "delete": {
        const { old } = step;
        const entry: ChangeEntry = {
          op: "delete",
          resource: old.name,
          type: shortType(old.type),
          dockerName: dockerNameOf(old.type, old.inputs, old.outputs),
          reason: step.reason,
          cause: step.cause ? this.nameOf(step.cause) : undefined,
        };
        if (old.options.retainOnDelete) {
          entry.retained = true;
        } else if (!(await this.executor.exists(old))) {
          this.recordDrift(old, "delete");
          if (!RESOURCE_SCHEMAS[old.type]?.deleteToleratesMissing) {
            throw new Error(`${old.id} was deleted outside the stack: the provider's delete fails on it`);
          }
        } else {
          await this.executor.delete(old);
        }
        this.forget(old);
        if (step.reason === "replaced" || step.reason === "dependent") this.replacementDeletes.set(old.urn, entry);
        else this.entries.push(entry);
        return undefined;
      }
    }
  }

  private entry(op: ChangeEntry["op"], reg: Registration, applied: Applied): ChangeEntry {
    return { op, resource: reg.name, type: shortType(reg.type), dockerName: dockerNameOf(reg.type, reg.inputs, applied.outputs) };
  }

  private nameOf(urn: string): string {
    return (this.live.get(urn) ?? this.initial.resources.find((resource) => resource.urn === urn))?.name ?? urn;
  }

  private recordDrift(old: StoredResource, during: DriftEntry["during"]): void {
    this.drift.push({ resource: old.name, type: shortType(old.type), dockerName: dockerNameOf(old.type, old.inputs, old.outputs), id: old.id, during });
  }

  private record(reg: Registration, applied: Applied, inputs: Record<string, any>): void {
    this.live.set(reg.urn, {
      urn: reg.urn,
      type: reg.type,
      name: reg.name,
      id: applied.id,
      inputs,
      outputs: applied.outputs,
      dependencies: reg.dependencies,
      propertyDependencies: reg.propertyDependencies,
      options: reg.options,
    });
    if (!this.visited.includes(reg.urn)) this.visited.push(reg.urn);
    this.save();
  }

  private forget(old: StoredResource): void {
    // The very state entry, not its id: terraform-provider-random gives every password the id "none", so a
    // replacement's old and new objects share one, and deleting the old must not drop the new from the state.
    if (this.live.get(old.urn) === old) this.live.delete(old.urn);
    this.pendingDeletes = this.pendingDeletes.filter((resource) => !(resource.urn === old.urn && resource.id === old.id));
    this.save();
  }

  private save(): void {
    this.store.save({ version: 2, resources: this.resources, pendingDeletes: this.pendingDeletes });
  }
}
