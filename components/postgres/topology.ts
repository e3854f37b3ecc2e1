/**
 * The shape of a database cluster derived from a stack: which DB members exist,
 * where they run and what they start as. Pure, so placement is tested directly.
 */
import { repositoryNodeOf, slotsOf, type StackConfig } from "../config";
import { backupsLabelKey, repositoryLabelKey, slotLabelKey, slotNumber, witnessLabelKey } from "../names";
import { claimLabel } from "../swarm/labelMerge";

export interface DbMember {
  /** pgnode1 … pgnode9, or pgwitness: the service suffix and the host name on the DB network. */
  name: string;
  /** repmgr node_id. */
  nodeId: number;
  kind: "data" | "witness";
  /** The Swarm node (as written in the stack file) that carries it. */
  swarmNode: string;
  /** The node label pinning it there. */
  label: { key: string; value: string };
  /** Whether the member bootstraps the cluster when no data exists yet anywhere. */
  initialPrimary: boolean;
}

export const WITNESS_NODE_ID = 99;

export function dbMembers(stack: string, config: StackConfig): DbMember[] {
  const members: DbMember[] = slotsOf(config).map((slot) => ({
    name: slot,
    nodeId: slotNumber(slot),
    kind: "data",
    swarmNode: config.database.placement[slot],
    label: { key: slotLabelKey(stack), value: String(slotNumber(slot)) },
    initialPrimary: slot === config.database.initialPrimary,
  }));
  if (config.database.witness) {
    members.push({
      name: "pgwitness",
      nodeId: WITNESS_NODE_ID,
      kind: "witness",
      swarmNode: config.database.witness,
      label: { key: witnessLabelKey(stack), value: "true" },
      initialPrimary: false,
    });
  }
  return members;
}

export const placementConstraint = (member: DbMember) => `node.labels.${member.label.key} == ${member.label.value}`;

/** The labels pgswarm owns on each Swarm node: the user's, the backups mark, the DB pins and the repository's pin. */
export function ownedNodeLabels(stack: string, config: StackConfig): Record<string, Record<string, string>> {
  const owned: Record<string, Record<string, string>> = {};
  for (const [node, spec] of Object.entries(config.nodes)) {
    owned[node] = { ...spec.labels, ...claimLabel(stack, Object.keys(spec.labels)), ...(spec.backups ? { [backupsLabelKey(stack)]: "true" } : {}) };
  }
  for (const member of dbMembers(stack, config)) {
    owned[member.swarmNode] = { ...owned[member.swarmNode], [member.label.key]: member.label.value };
  }
  const repositoryNode = repositoryNodeOf(config);
  if (repositoryNode) owned[repositoryNode] = { ...owned[repositoryNode], [repositoryLabelKey(stack)]: "true" };
  return owned;
}

/**
 * Every topology has the rw router: `db-rw` and `db` are always a router's
 * names, so a DB service's network attachment never changes with the
 * topology (pulumi-docker replaces a service whose aliases change).
 */
export const hasRouter = (_config: StackConfig) => true;
export const hasReadRouter = (config: StackConfig) => config.topology === "read-split";
