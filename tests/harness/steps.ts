/**
 * The Pulumi engine's step generation, emulated for the e2e applier: for each
 * registration, from the state of the last run, which steps to take (same,
 * create, update, replace; the deletes a delete-before-replace needs first), and
 * after the program, the deletes of what it no longer declares and of replaced
 * objects. Pure: the diff arrives as a function, Docker is not involved.
 *
 * Follows pulumi/pulumi pkg/resource/deploy/step_generator.go:
 * - continueStepsFromDiff: replaceOnChanges, protect, the provider's or the
 *   program's deleteBeforeReplace; create-before-delete leaves the delete to the end;
 * - calculateDependentReplacements: before a delete-before-replace, every resource
 *   depending on it whose provider would replace it once those inputs are unknown
 *   is deleted first (in reverse dependency order) and created again when it registers;
 * - GenerateDeletes: undeclared resources and replaced ones, in reverse dependency order.
 */
import type { RegisteredResource, RegistrationOptions } from "../../tools/lib/mockRun";
import { applyIgnoreChanges, isReplacement, replaceOnChangesMatches, UNKNOWN, type DiffResult } from "./diff";
import { RESOURCE_SCHEMAS } from "./providerSchema";

/** A resource as the applier's state records it (Pulumi's state, for this harness). */
export interface StoredResource {
  urn: string;
  type: string;
  /** Logical (Pulumi) name. */
  name: string;
  id: string;
  inputs: Record<string, any>;
  outputs: Record<string, any>;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  options: RegistrationOptions;
}

export interface Registration {
  urn: string;
  type: string;
  name: string;
  inputs: Record<string, any>;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  options: RegistrationOptions;
}

export type DeleteReason =
  /** replaced: its replacement is (or was) created */
  | "replaced"
  /** deleted before a resource it depends on is replaced (delete-before-replace) */
  | "dependent"
  /** no longer declared */
  | "undeclared"
  /** left to delete by an earlier run */
  | "pending";

export type Step =
  | { op: "same"; reg: Registration; old: StoredResource; inputs: Record<string, any> }
  | { op: "create"; reg: Registration; inputs: Record<string, any> }
  | { op: "update"; reg: Registration; old: StoredResource; inputs: Record<string, any>; changed: string[] }
  /** Creates the replacement; its old object is deleted by a delete step before (delete-before-replace) or at the end. */
  | { op: "replace"; reg: Registration; old: StoredResource; inputs: Record<string, any>; reasons: string[]; deleteBeforeReplace: boolean; cause?: string }
  | { op: "delete"; old: StoredResource; reason: DeleteReason; cause?: string };

export interface DiffContext {
  /** The program set `name` itself. */
  explicitName: boolean;
  old: StoredResource;
}
export type DiffFn = (type: string, olds: Record<string, any>, news: Record<string, any>, context: DiffContext) => Promise<DiffResult>;

export class ProtectedError extends Error {}

/** Engine-reserved inputs: not properties of the resource, never applied or stored. */
const RESERVED_INPUTS = ["__provider", "__defaults"];

export function registrationOf(resource: RegisteredResource): Registration {
  const inputs = { ...resource.inputs };
  for (const key of RESERVED_INPUTS) delete inputs[key];
  return {
    urn: resource.urn ?? `${resource.type}::${resource.name}`,
    type: resource.type,
    name: resource.name,
    inputs,
    dependencies: resource.dependencies ?? [],
    propertyDependencies: resource.propertyDependencies ?? {},
    options: resource.options ?? {},
  };
}

const autoNamed = (type: string) => !!RESOURCE_SCHEMAS[type]?.autoNamed;

/** Everything a stored resource depends on, by URN (dependsOn, inputs, deletedWith). */
export const dependenciesOf = (resource: StoredResource | Registration): string[] => [
  ...resource.dependencies,
  ...Object.values(resource.propertyDependencies).flat(),
  ...(resource.options.deletedWith ? [resource.options.deletedWith] : []),
];

export interface PlannerOptions {
  diff: DiffFn;
  /** A new auto-name for a logical name (pulumi-docker: name + "-" + 7 random hex digits). */
  autoName: (name: string) => string;
}

export class Planner {
  private readonly olds: Map<string, StoredResource>;
  private readonly registered = new Set<string>();
  /** Old objects deleted in this run (delete-before-replace roots and their dependents). */
  private readonly deleted = new Set<string>();
  /** Dependents deleted for a delete-before-replace, waiting to be created again: the keys that forced it. */
  private readonly deletedAsDependent = new Map<string, { keys: string[]; cause: string }>();
  /** Old objects replaced create-before-delete, deleted at the end. */
  private readonly condemned: StoredResource[] = [];

  /**
   * @param snapshot the resources of the last run, in dependency order
   * @param pendingDeletes objects an earlier run replaced but did not get to delete
   */
  constructor(
    private readonly snapshot: StoredResource[],
    private readonly pendingDeletes: StoredResource[],
    private readonly options: PlannerOptions,
  ) {
    this.olds = new Map(snapshot.map((resource) => [resource.urn, resource]));
  }

  /** The steps for one registration, in the order they must run. */
  async plan(reg: Registration): Promise<Step[]> {
    this.registered.add(reg.urn);
    const old = this.olds.get(reg.urn);
    const explicitName = autoNamed(reg.type) && reg.inputs.name !== undefined;
    const freshlyNamed = () => (autoNamed(reg.type) && !explicitName ? { ...reg.inputs, name: this.options.autoName(reg.name) } : reg.inputs);

    if (!old) return [{ op: "create", reg, inputs: freshlyNamed() }];

    const dependent = this.deletedAsDependent.get(reg.urn);
    if (dependent) {
      this.deletedAsDependent.delete(reg.urn);
      return [{ op: "replace", reg, old, inputs: freshlyNamed(), reasons: dependent.keys, deleteBeforeReplace: true, cause: dependent.cause }];
    }

    // Check keeps an auto-name from the old inputs; ignoreChanges keeps the listed old values.
    const checked = autoNamed(reg.type) && !explicitName ? { ...reg.inputs, name: old.inputs.name } : reg.inputs;
    const news = applyIgnoreChanges(old.inputs, checked, reg.options.ignoreChanges ?? []);
    const diff = await this.options.diff(reg.type, old.inputs, news, { explicitName, old });
    const forcedByOption = replaceOnChangesMatches(diff.changed, reg.options.replaceOnChanges ?? []).map((path) => `${path} (replaceOnChanges)`);
    const reasons = [...new Set([...diff.replaceReasons, ...forcedByOption])];

    if (diff.changed.length === 0) return [{ op: "same", reg, old, inputs: news }];
    if (reasons.length === 0) return [{ op: "update", reg, old, inputs: news, changed: diff.changed }];

    if (old.options.protect && reg.options.protect) {
      throw new ProtectedError(`unable to replace ${describe(old)}: it is marked protect (forced by ${reasons.join(", ")})`);
    }
    // A replacement is checked afresh: no old auto-name, no ignoreChanges.
    const inputs = freshlyNamed();
    const deleteBeforeReplace = reg.options.deleteBeforeReplace ?? diff.deleteBeforeReplace;
    if (!deleteBeforeReplace) {
      this.condemned.push(old);
      return [{ op: "replace", reg, old, inputs, reasons, deleteBeforeReplace: false }];
    }

    const dependents = await this.dependentsToReplace(old);
    const steps: Step[] = [];
    for (const { resource, keys } of [...dependents].reverse()) {
      if (this.deleted.has(resource.urn)) continue;
      if (resource.options.protect) {
        throw new ProtectedError(`unable to replace ${describe(resource)} as part of replacing ${describe(old)}: it is marked protect`);
      }
      steps.push({ op: "delete", old: resource, reason: "dependent", cause: old.urn });
      this.deleted.add(resource.urn);
      this.deletedAsDependent.set(resource.urn, { keys, cause: old.urn });
    }
    if (!this.deleted.has(old.urn)) {
      steps.push({ op: "delete", old, reason: "replaced" });
      this.deleted.add(old.urn);
    }
    steps.push({ op: "replace", reg, old, inputs, reasons, deleteBeforeReplace: true });
    return steps;
  }

  /**
   * The resources of the last run that depend on `root` (directly or not, by
   * dependsOn, inputs or deletedWith) and that their provider would replace
   * once the inputs coming from a replaced resource are unknown. Dependency order.
   * Resources already registered in this run no longer depend on it: skipped.
   */
  async dependentsToReplace(root: StoredResource): Promise<Array<{ resource: StoredResource; keys: string[] }>> {
    const dependingOn = new Set([root.urn]);
    const replacing = new Set([root.urn]);
    const result: Array<{ resource: StoredResource; keys: string[] }> = [];
    const start = this.snapshot.findIndex((resource) => resource.urn === root.urn);
    for (const candidate of this.snapshot.slice(start + 1)) {
      if (this.registered.has(candidate.urn)) continue;
      if (!dependenciesOf(candidate).some((urn) => dependingOn.has(urn))) continue;
      dependingOn.add(candidate.urn);

      const inputsForDiff: Record<string, any> = { ...candidate.inputs };
      let dependsOnReplaced = false;
      for (const [key, urns] of Object.entries(candidate.propertyDependencies)) {
        if (key in candidate.inputs && urns.some((urn) => replacing.has(urn))) {
          inputsForDiff[key] = UNKNOWN;
          dependsOnReplaced = true;
        }
      }
      // A dependsOn alone changes no input: nothing to replace.
      if (!dependsOnReplaced) continue;
      const explicitName = autoNamed(candidate.type) && candidate.inputs.name !== undefined;
      const diff = await this.options.diff(candidate.type, candidate.inputs, inputsForDiff, { explicitName, old: candidate });
      if (isReplacement(diff)) {
        result.push({ resource: candidate, keys: diff.replaceReasons });
        replacing.add(candidate.urn);
      }
    }
    return result;
  }

  /**
   * After the program: delete what it no longer declares, the objects replaced
   * create-before-delete and those an earlier run left, dependents first.
   */
  finish(): Step[] {
    const undeclared = this.snapshot.filter((resource) => !this.registered.has(resource.urn) && !this.deleted.has(resource.urn));
    const protectedOnes = undeclared.filter((resource) => resource.options.protect);
    if (protectedOnes.length > 0) {
      throw new ProtectedError(`unable to delete ${protectedOnes.map(describe).join(", ")}: marked protect; remove the option first`);
    }
    const position = (resource: StoredResource) => this.snapshot.findIndex((candidate) => candidate.urn === resource.urn);
    const doomed: Array<{ resource: StoredResource; reason: DeleteReason }> = [
      ...undeclared.map((resource) => ({ resource, reason: "undeclared" as const })),
      ...this.condemned.map((resource) => ({ resource, reason: "replaced" as const })),
    ].sort((a, b) => position(b.resource) - position(a.resource));
    return [
      ...doomed.map(({ resource, reason }): Step => ({ op: "delete", old: resource, reason })),
      ...this.pendingDeletes.map((resource): Step => ({ op: "delete", old: resource, reason: "pending" })),
    ];
  }
}

export const shortType = (type: string) => type.split(":").pop() ?? type;
export const describe = (resource: { type: string; name: string }) => `${shortType(resource.type)} ${resource.name}`;
