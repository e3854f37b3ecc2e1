/**
 * Where things run: DB data members only on nodes marked for backups, and the
 * routers on at least two nodes (one router is one node away from no database).
 */
import * as docker from "@pulumi/docker";
import { validateResourceOfType, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import { backupsLabelKey, ROLES, slotLabelKey } from "../components/names";
import { NODE_LABELS_TYPE } from "../components/swarm/nodeLabels";
import { labelConstraints, roleOf, stackOf } from "./props";

export const dbOnBackupNodes: StackValidationPolicy = {
  name: "db-on-backup-nodes",
  description: "DB data members run only on nodes marked for backups (nodes.<node>.backups: true): any of them may become the primary.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const nodeLabels = args.resources
      .filter((resource) => resource.type === NODE_LABELS_TYPE)
      .map((resource) => ({ node: String(resource.props.node), labels: (resource.props.labels ?? {}) as Record<string, string> }));
    for (const resource of args.resources.filter((candidate) => candidate.isType(docker.Service))) {
      const service = resource.asType(docker.Service)!;
      if (roleOf(service.labels) !== ROLES.pgnode) continue;
      const stack = stackOf(service.labels) ?? "";
      for (const pin of labelConstraints(service.taskSpec?.placement?.constraints).filter((constraint) => constraint.key === slotLabelKey(stack))) {
        const carriers = nodeLabels.filter((node) => node.labels[pin.key] === pin.value);
        if (carriers.length === 0) {
          reportViolation(`${service.name}: pinned to ${pin.key}=${pin.value}, which no node of the stack carries; it would never start`, resource.urn);
        }
        for (const carrier of carriers) {
          if (carrier.labels[backupsLabelKey(stack)] !== "true") {
            reportViolation(
              `${service.name}: runs on node "${carrier.node}", which is not marked for backups (nodes.${carrier.node}.backups: true); a member there could become primary with no backups`,
              resource.urn,
            );
          }
        }
      }
    }
  },
};

export const routersOnTwoNodes: ResourceValidationPolicy = {
  name: "routers-on-two-nodes",
  description: "Each router runs at least 2 replicas spread over nodes, so losing a node never loses an endpoint.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(docker.Service, (service, _args, reportViolation) => {
    if (roleOf(service.labels) !== ROLES.router) return;
    const replicas = service.mode?.replicated?.replicas ?? 1;
    const placement = service.taskSpec?.placement;
    const spread = (placement?.prefs ?? []).includes("spread=node.id") || placement?.maxReplicas === 1;
    if (service.mode?.global) return; // one task on every node
    if (replicas < 2) {
      reportViolation(`${service.name}: runs ${replicas} replica; a router needs at least 2 on different nodes (database.router.replicas)`);
    } else if (!spread) {
      reportViolation(`${service.name}: its ${replicas} replicas may share a node; spread them (placement prefs spread=node.id, or maxReplicas 1)`);
    }
  }),
};
