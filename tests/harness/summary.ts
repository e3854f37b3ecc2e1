/**
 * What a run changed, as `pulumi up` would report it: created, updated,
 * replaced, deleted and unchanged resources by logical and Docker name, with
 * the properties behind each update or replacement, and the objects found
 * deleted outside the stack. Pure.
 */
import { shortType } from "./steps";

export type ChangeOp = "create" | "update" | "replace" | "delete" | "same";

export interface ChangeEntry {
  op: ChangeOp;
  /** Logical (Pulumi) name. */
  resource: string;
  /** Short type: Service, Network, Secret, ServiceConfig, NodeLabels, RandomPassword, Image. */
  type: string;
  /** The object's name in Docker (or the node, for node labels). */
  dockerName?: string;
  /** Replace: the old object's name when it differs (auto-named). */
  previousDockerName?: string;
  /** Replace: the properties that forced it. */
  reasons?: string[];
  /** Update: the properties that changed. */
  changed?: string[];
  deleteBeforeReplace?: boolean;
  /** Replaced or deleted because this resource (logical name) was replaced first. */
  cause?: string;
  /** Delete: why (undeclared, replaced, dependent, pending). */
  reason?: string;
  /** Delete with retainOnDelete: dropped from the state, left in Docker. */
  retained?: boolean;
}

export interface DriftEntry {
  resource: string;
  type: string;
  dockerName?: string;
  id: string;
  /** The step that found it gone. */
  during: "same" | "update" | "delete";
}

export interface ChangeSummary {
  created: ChangeEntry[];
  updated: ChangeEntry[];
  replaced: ChangeEntry[];
  deleted: ChangeEntry[];
  same: ChangeEntry[];
  /** Objects deleted outside the stack: `pulumi up` without refresh does not recreate them. */
  drift: DriftEntry[];
  /** Created + updated + replaced + deleted. */
  changes: number;
}

const BY_OP: Record<ChangeOp, keyof Pick<ChangeSummary, "created" | "updated" | "replaced" | "deleted" | "same">> = {
  create: "created",
  update: "updated",
  replace: "replaced",
  delete: "deleted",
  same: "same",
};

export function summarize(entries: ChangeEntry[], drift: DriftEntry[]): ChangeSummary {
  const summary: ChangeSummary = { created: [], updated: [], replaced: [], deleted: [], same: [], drift, changes: 0 };
  for (const entry of entries) summary[BY_OP[entry.op]].push(entry);
  summary.changes = entries.filter((entry) => entry.op !== "same").length;
  return summary;
}

/** The Docker name a stored resource has, for reports. */
export function dockerNameOf(type: string, inputs: Record<string, any>, outputs: Record<string, any> = {}): string | undefined {
  if (shortType(type) === "NodeLabels") return inputs.node;
  if (shortType(type) === "Image") return inputs.imageName;
  return outputs.name ?? inputs.name;
}

/** A label for the old applier's `pruned` list: "service e2e_web", "config e2e-pg-pg-hba-1a2b3c4". */
export function objectLabel(entry: ChangeEntry): string {
  const kinds: Record<string, string> = { Service: "service", Network: "network", Secret: "secret", ServiceConfig: "config", NodeLabels: "node labels" };
  return `${kinds[entry.type] ?? entry.type} ${entry.dockerName ?? entry.resource}`;
}

function formatEntry(entry: ChangeEntry): string {
  const name = entry.dockerName && entry.dockerName !== entry.resource ? `${entry.resource} (${entry.dockerName})` : entry.resource;
  const details: string[] = [];
  if (entry.previousDockerName && entry.previousDockerName !== entry.dockerName) details.push(`was ${entry.previousDockerName}`);
  if (entry.changed?.length) details.push(`changed: ${entry.changed.join(", ")}`);
  if (entry.reasons?.length) details.push(`forced by: ${entry.reasons.join(", ")}`);
  if (entry.op === "replace") details.push(entry.deleteBeforeReplace ? "deleted first" : "created first");
  if (entry.cause) details.push(`because ${entry.cause} was replaced`);
  if (entry.reason && entry.reason !== "undeclared") details.push(entry.reason);
  if (entry.retained) details.push("retained in Docker");
  return `  ${entry.op.padEnd(7)} ${entry.type} ${name}${details.length ? `: ${details.join("; ")}` : ""}`;
}

/** One line per change (unchanged resources counted), then the drift. */
export function formatSummary(summary: ChangeSummary): string {
  const lines = [...summary.created, ...summary.updated, ...summary.replaced, ...summary.deleted].map(formatEntry);
  lines.push(
    `  ${summary.created.length} created, ${summary.updated.length} updated, ${summary.replaced.length} replaced, ` +
      `${summary.deleted.length} deleted, ${summary.same.length} unchanged`,
  );
  for (const drift of summary.drift) {
    lines.push(`  drift   ${drift.type} ${drift.resource} (${drift.dockerName ?? drift.id}): deleted outside the stack, found by its ${drift.during} step`);
  }
  return lines.join("\n");
}
