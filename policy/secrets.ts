/**
 * Secrets only as Docker secrets mounted as files: nothing that looks like a
 * secret in an environment value, a label or a command line, and none of the
 * passwords pgswarm generated anywhere in plain sight.
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import * as random from "@pulumi/random";
import { NODE_LABELS_TYPE } from "../components/swarm/nodeLabels";
import { SERVICE_TYPE, type LabelList } from "./props";
import { secretLikeReason } from "./secretLike";

/** Every name/value pair of a resource that anyone can read: env, labels, node labels. */
export function visiblePairs(type: string, props: Record<string, any>): Array<{ where: string; name: string; value: string }> {
  const pairs: Array<{ where: string; name: string; value: string }> = [];
  if (type === NODE_LABELS_TYPE) {
    // The node-label resource holds a map; the Docker resources hold {label, value} lists.
    for (const [name, value] of Object.entries(props.labels ?? {})) pairs.push({ where: `node label on ${props.node}`, name, value: String(value) });
    return pairs;
  }
  const fromLabels = (where: string, labels: LabelList) =>
    (labels ?? []).forEach(({ label, value }) => pairs.push({ where, name: label, value: String(value) }));
  fromLabels("label", props.labels);
  if (type === SERVICE_TYPE) {
    const container = props.taskSpec?.containerSpec ?? {};
    for (const [name, value] of Object.entries(container.env ?? {})) pairs.push({ where: "env", name, value: String(value) });
    fromLabels("container label", container.labels);
    for (const mount of container.mounts ?? []) fromLabels(`label of volume ${mount.source}`, mount.volumeOptions?.labels);
  }
  return pairs;
}

/** The strings of a resource that end up in `docker inspect` or a process list. */
function visibleText(type: string, props: Record<string, any>): string {
  const container = props.taskSpec?.containerSpec ?? {};
  const commandLine = type === SERVICE_TYPE ? [container.commands, container.args, container.healthcheck?.tests, container.hostname] : [];
  return JSON.stringify([visiblePairs(type, props), commandLine]);
}

export const noSecretInEnvOrLabel: ResourceValidationPolicy = {
  name: "no-secret-in-env-or-label",
  description: "No secret-looking value in an environment variable or a label: pass secrets as Docker secret files (*_FILE).",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    for (const { where, name, value } of visiblePairs(args.type, args.props)) {
      const reason = secretLikeReason(name, value);
      if (reason) reportViolation(`${args.name}: ${where} ${name} looks like a secret (${reason}); mount it as a Docker secret and pass its path (${name}_FILE)`);
    }
  },
};

// The policy engine marks values it cannot know yet in a preview; reading one throws this.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { UnknownValueError } = require("@pulumi/policy/proxy") as { UnknownValueError: new (...args: any[]) => Error };

/** A generated password, or undefined while a preview cannot know it (then nothing can contain it yet either). */
function knownPassword(resource: PolicyResource): string | undefined {
  try {
    const result = resource.props.result;
    return typeof result === "string" && result.length > 0 ? result : undefined;
  } catch (error) {
    if (error instanceof UnknownValueError) return undefined;
    throw error;
  }
}

export const noGeneratedPasswordInPlainSight: StackValidationPolicy = {
  name: "no-generated-password-in-plain-sight",
  description: "None of the passwords pgswarm generates appears in an environment value, a label, a command line or a stack output.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const passwords = args.resources.filter((resource) => resource.isType(random.RandomPassword)).flatMap((resource) => {
      const password = knownPassword(resource);
      return password ? [{ password, name: resource.name }] : [];
    });
    if (passwords.length === 0) return;
    for (const resource of args.resources) {
      const text = resource.type === "pulumi:pulumi:Stack" ? JSON.stringify(resource.props) : visibleText(resource.type, resource.props);
      for (const { password, name } of passwords) {
        if (text.includes(password)) {
          const where = resource.type === "pulumi:pulumi:Stack" ? "a stack output" : "its environment, labels or command line";
          reportViolation(`${resource.name}: the generated password ${name} appears in ${where}; it may only reach containers as a Docker secret file`, resource.urn);
        }
      }
    }
  },
};
