/**
 * What a plan changes against the last applied state, when we know it: the
 * state from `pulumi stack export`, or the JSON of an earlier `plan --json`.
 * Replacements follow pulumi-docker's replace-on-change properties, so a
 * reviewer sees which services Swarm would delete and create again.
 */
import * as fs from "fs";
import { redactSecrets, unwrapSecrets, type RegisteredResource } from "./mockRun";
import { planView, referenceName, type PlannedResource } from "./planView";

export interface PlanChange {
  kind: "create" | "replace" | "update" | "delete";
  type: string;
  name: string;
  /** The planned facts that differ (for a replacement, those that force it first). */
  fields: string[];
}

/** Facts whose change makes pulumi-docker replace the resource instead of updating it. */
export const REPLACING_FACTS: Record<string, string[]> = {
  // name, mode and network attachments/aliases force a new service
  service: ["dockerName", "networks"],
  network: ["dockerName", "driver", "encrypted", "subnet"],
  // secrets and configs are immutable in Docker: any change is a new one
  secret: [],
  config: ["contentDigest"],
  "node-labels": ["node"],
  image: ["dockerName", "context"],
};

export class PreviousStateError extends Error {}

interface ExportedResource {
  urn: string;
  type: string;
  custom?: boolean;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** `pulumi stack export` resources as the registrations the plan view reads. */
async function fromStackExport(resources: ExportedResource[]): Promise<PlannedResource[]> {
  const declared = resources.filter((resource) => resource.custom && !resource.type.startsWith("pulumi:"));
  const registered: RegisteredResource[] = declared.map((resource) => ({
    type: resource.type,
    name: resource.urn.split("::").pop() ?? resource.urn,
    inputs: unwrapSecrets(resource.inputs ?? {}),
    redacted: redactSecrets(resource.inputs ?? {}),
    custom: true,
  }));
  const names = new Map<string, string>();
  declared.forEach((resource, index) => {
    if (resource.id) names.set(resource.id, referenceName(resource.type, registered[index].name, resource.outputs?.name as string | undefined));
  });
  return planView(registered, names);
}

/** Reads a previous state file, whichever of the two forms it is. */
export async function loadPrevious(file: string): Promise<PlannedResource[]> {
  let document: any;
  try {
    document = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new PreviousStateError(`--previous ${file}: ${(error as Error).message}`);
  }
  if (Array.isArray(document?.deployment?.resources)) return fromStackExport(document.deployment.resources);
  if (document?.deployment && !document.deployment.resources) return []; // a stack that was never deployed
  if (Array.isArray(document?.resources)) return document.resources as PlannedResource[];
  throw new PreviousStateError(
    `--previous ${file}: expected the output of \`pulumi stack export\` or of \`npm run plan -- <stack> --json\``,
  );
}

const keyOf = (resource: PlannedResource) => `${resource.type}\u0000${resource.name}`;
const same = (left: unknown, right: unknown) => JSON.stringify(left) === JSON.stringify(right);

export function diffPlans(previous: PlannedResource[], planned: PlannedResource[]): PlanChange[] {
  const before = new Map(previous.map((resource) => [keyOf(resource), resource]));
  const after = new Map(planned.map((resource) => [keyOf(resource), resource]));
  const changes: PlanChange[] = [];
  for (const [key, resource] of after) {
    const old = before.get(key);
    if (!old) {
      changes.push({ kind: "create", type: resource.type, name: resource.name, fields: [] });
      continue;
    }
    const fields = [...new Set([...Object.keys(old), ...Object.keys(resource)])].filter((field) => !same(old[field], resource[field]));
    if (fields.length === 0) continue;
    const replacing = fields.filter((field) => (REPLACING_FACTS[resource.type] ?? []).includes(field));
    changes.push(
      replacing.length > 0
        ? { kind: "replace", type: resource.type, name: resource.name, fields: [...replacing, ...fields.filter((field) => !replacing.includes(field))] }
        : { kind: "update", type: resource.type, name: resource.name, fields },
    );
  }
  for (const [key, resource] of before) {
    if (!after.has(key)) changes.push({ kind: "delete", type: resource.type, name: resource.name, fields: [] });
  }
  propagate(changes, planned);
  const order = { replace: 0, delete: 1, update: 2, create: 3 };
  return changes.sort((left, right) => order[left.kind] - order[right.kind] || left.name.localeCompare(right.name));
}

/**
 * What a replacement does to the services that reference it: a replaced network
 * (explicit name: deleted, then created) takes every service attached to it along;
 * a new secret or config changes the ids its services mount, an update in place.
 */
function propagate(changes: PlanChange[], planned: PlannedResource[]): void {
  const replaced = (type: string) => new Set(changes.filter((change) => change.kind === "replace" && change.type === type).map((change) => change.name));
  const networks = new Set(planned.filter((resource) => resource.type === "network" && replaced("network").has(resource.name)).map((network) => String(network.dockerName)));
  const mounted = new Set([...replaced("secret"), ...replaced("config")]);
  for (const service of planned.filter((resource) => resource.type === "service")) {
    const attachedTo = ((service.networks as Array<{ network: string }>) ?? []).map((attached) => attached.network).filter((network) => networks.has(network));
    const mounts = [...((service.secrets as string[]) ?? []), ...((service.configs as string[]) ?? [])].filter((mount) => mounted.has(mount.split(" -> ")[0]));
    if (attachedTo.length === 0 && mounts.length === 0) continue;
    const fields = [...(attachedTo.length > 0 ? [`networks (${attachedTo.join(", ")} replaced)`] : []), ...(mounts.length > 0 ? ["secrets/configs (new ids)"] : [])];
    const existing = changes.find((change) => change.type === "service" && change.name === service.name);
    const kind = attachedTo.length > 0 ? "replace" : "update";
    if (!existing) changes.push({ kind, type: "service", name: service.name, fields });
    else if (existing.kind !== "create") {
      if (kind === "replace") existing.kind = "replace";
      existing.fields = [...new Set([...fields, ...existing.fields])];
    }
  }
}

/** The change list for a terminal or a PR comment; `undefined` changes means no previous state was given. */
export function renderChanges(changes: PlanChange[] | undefined): string[] {
  if (!changes) {
    return ["changes against the last applied state: unknown (give --previous <file> from `pulumi stack export`)"];
  }
  if (changes.length === 0) return ["changes against the last applied state: none"];
  const counts = (["replace", "delete", "update", "create"] as const)
    .map((kind) => [kind, changes.filter((change) => change.kind === kind).length] as const)
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${count} to ${kind}`);
  return [
    `changes against the last applied state: ${counts.join(", ")}`,
    ...changes.map((change) => {
      const mark = { create: "+", replace: "+-", update: "~", delete: "-" }[change.kind];
      return `  ${mark.padEnd(2)} ${change.type} ${change.name}${change.fields.length > 0 ? ` (${change.fields.join(", ")})` : ""}`;
    }),
  ];
}
