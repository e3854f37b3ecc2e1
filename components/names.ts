/**
 * Every name pgswarm gives to something in the swarm, in one place, so the
 * components, the tools and the tests agree on them.
 */
import { createHash } from "crypto";

export { POSTGRES_PORT, CONFIG_DIR, SECRETS_DIR, VOLUME_DIR as DATA_DIR } from "./contract";

export const ENDPOINTS = { rw: "db-rw", ro: "db-ro", alias: "db" } as const;

export const serviceName = (stack: string, part: string) => `${stack}_${part}`;
export const networkName = (stack: string, purpose: "db" | "app") => `${stack}_${purpose}`;
export const volumeName = (stack: string, slot: string) => `${stack}_${slot}_data`;

/** The node label that pins a DB slot, owned by pgswarm and scoped to the stack. */
export const slotLabelKey = (stack: string) => `pgswarm.${stack}.pgnode`;
export const witnessLabelKey = (stack: string) => `pgswarm.${stack}.witness`;
export const slotNumber = (slot: string) => Number(slot.replace("pgnode", ""));

/** Labels on every object pgswarm creates: `docker stack ps <stack>` lists them, and the applier prunes by them. */
export function ownerLabels(stack: string, role: string): Record<string, string> {
  return { "com.docker.stack.namespace": stack, "pgswarm.stack": stack, "pgswarm.role": role };
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
