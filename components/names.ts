/**
 * Every name pgswarm gives to something in the swarm, in one place, so the
 * components, the tools and the tests agree on them.
 */
import { createHash } from "crypto";

export { POSTGRES_PORT, CONFIG_DIR, SECRETS_DIR, VOLUME_DIR as DATA_DIR, ENDPOINTS } from "./contract";

export const serviceName = (stack: string, part: string) => `${stack}_${part}`;
export const networkName = (stack: string, purpose: "db" | "app") => `${stack}_${purpose}`;
export const volumeName = (stack: string, slot: string) => `${stack}_${slot}_data`;

/** The node label that pins a DB slot, owned by pgswarm and scoped to the stack. */
export const slotLabelKey = (stack: string) => `pgswarm.${stack}.pgnode`;
export const witnessLabelKey = (stack: string) => `pgswarm.${stack}.witness`;
/** Marks a node whose backups are configured (`nodes.<node>.backups`), so the swarm and the policy pack can see it. */
export const backupsLabelKey = (stack: string) => `pgswarm.${stack}.backups`;
/** Pins the stack's backup repository service to its node (backups.node). */
export const repositoryLabelKey = (stack: string) => `pgswarm.${stack}.backup-repo`;
export const slotNumber = (slot: string) => Number(slot.replace("pgnode", ""));

export const STACK_NAMESPACE_LABEL = "com.docker.stack.namespace";
export const ROLE_LABEL = "pgswarm.role";
export const MEMBER_LABEL = "pgswarm.member";
/** On the DB service of the member that initialises a new cluster (database.initialPrimary). */
export const INITIAL_PRIMARY_LABEL = "pgswarm.initial-primary";
/** The roles (ROLE_LABEL values) the tools and the policy pack look objects up by. */
export const ROLES = { pgnode: "pgnode", router: "router", exporter: "exporter", dbNetwork: "db-network", backupRepo: "backup-repo" } as const;

/** Labels on every object pgswarm creates: `docker stack ps <stack>` lists them, and the applier prunes by them. */
export function ownerLabels(stack: string, role: string): Record<string, string> {
  return { [STACK_NAMESPACE_LABEL]: stack, "pgswarm.stack": stack, [ROLE_LABEL]: role };
}

export const labelList = (labels: Record<string, string>) =>
  Object.entries(labels).map(([label, value]) => ({ label, value }));

/**
 * A default /24 for the DB network, stable per stack so pg_hba.conf can admit
 * exactly that network before it exists. Override with networks.dbSubnet.
 */
export function defaultDbSubnet(stack: string): string {
  const digest = createHash("sha256").update(`pgswarm/${stack}`).digest();
  return `10.${200 + (digest[0] % 50)}.${digest[1]}.0/24`;
}
