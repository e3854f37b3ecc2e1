/**
 * Runs the policy pack's policies over what a program registered under the
 * mocks, the way @pulumi/policy's server does: resource policies see each
 * resource's inputs with secrets unwrapped, stack policies see every
 * resource's outputs plus the stack's own.
 */
import type { Policies, PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { RegisteredResource, RunResult } from "../../../tools/lib/mockRun";
import { recordOnly } from "../../../tools/lib/recorder";

export interface Violation {
  policy: string;
  message: string;
  /** The logical name of the resource it concerns, when the policy named one. */
  resource?: string;
}

/** How the SDK and the policy server match a class to a type token (its static __pulumiType). */
const isTypeOf = (type: string, resourceClass: any) => resourceClass?.__pulumiType === type;
const urnOf = (stack: string, resource: { type: string; name: string }) => `urn:pulumi:${stack}::pgswarm::${resource.type}::${resource.name}`;
const options = { protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 } };

class NotApplicable extends Error {}
const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

export async function runPolicies(
  policies: Policies,
  stack: string,
  run: Pick<RunResult, "resources" | "outputs">,
  config: Record<string, Record<string, unknown>> = {},
): Promise<Violation[]> {
  const violations: Violation[] = [];
  const custom = run.resources.filter((resource) => resource.custom);
  const getConfig = (policy: string) => <T extends object>() => (config[policy] ?? {}) as T;
  const stackTags = new Map<string, string>();

  for (const policy of policies.filter((candidate): candidate is ResourceValidationPolicy => "validateResource" in candidate)) {
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
    for (const resource of custom) {
      const props = resource.inputs;
      const args: ResourceValidationArgs = {
        type: resource.type,
        props,
        urn: urnOf(stack, resource),
        name: resource.name,
        opts: options,
        stackTags,
        isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
        asType: ((resourceClass: any) => (isTypeOf(resource.type, resourceClass) ? props : undefined)) as ResourceValidationArgs["asType"],
        getConfig: getConfig(policy.name),
        notApplicable,
      };
      for (const validate of validations) {
        try {
          await validate(args, (message) => violations.push({ policy: policy.name, message, resource: resource.name }));
        } catch (error) {
          if (!(error instanceof NotApplicable)) throw error;
        }
      }
    }
  }

  const stackResources: PolicyResource[] = [];
  for (const resource of [...custom, stackRoot(run.outputs)]) {
    const props = resource.custom ? (await recordOnly(resource)).state : resource.inputs;
    stackResources.push({
      type: resource.type,
      props,
      urn: urnOf(stack, resource),
      name: resource.name,
      opts: options,
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
      asType: ((resourceClass: any) => (isTypeOf(resource.type, resourceClass) ? props : undefined)) as PolicyResource["asType"],
    });
  }
  const nameByUrn = new Map(stackResources.map((resource) => [resource.urn, resource.name]));
  for (const policy of policies.filter((candidate): candidate is StackValidationPolicy => "validateStack" in candidate)) {
    try {
      await policy.validateStack({ resources: stackResources, stackTags, getConfig: getConfig(policy.name), notApplicable }, (message, urn) =>
        violations.push({ policy: policy.name, message, resource: urn ? nameByUrn.get(urn) : undefined }),
      );
    } catch (error) {
      if (!(error instanceof NotApplicable)) throw error;
    }
  }
  return violations;
}

/** The root stack resource, whose properties are the program's outputs. */
function stackRoot(outputs: Record<string, unknown>): RegisteredResource {
  return { type: "pulumi:pulumi:Stack", name: "pgswarm", inputs: outputs, redacted: outputs, custom: false };
}
