/**
 * The reviewer's summary of a plan: topology, which member runs on which node,
 * the endpoints and who serves and uses them, what is published. Pure: it reads
 * the planned resources only.
 */
import { ENDPOINTS, ROLES } from "../../components/names";
import type { PlannedResource } from "./planView";

export interface MemberPlacement {
  service: string;
  member: string;
  /** The Swarm node as written in the stack file, or the pin when no node carries it. */
  node: string;
  initialPrimary: boolean;
}

export interface EndpointUse {
  endpoint: string;
  /** Services answering for it on the DB network (a router, or the single member). */
  servedBy: string[];
  /** Application services whose database variables point at it. */
  usedBy: string[];
}

export interface PlanSummary {
  stack: string;
  topology: string;
  nodes: Array<{ node: string; labels: Record<string, string> }>;
  members: MemberPlacement[];
  routers: Array<{ service: string; replicas: number }>;
  endpoints: EndpointUse[];
  apps: Array<{ service: string; replicas: number; published: string[] }>;
  exporters: string[];
  /** The backup repository service and the node its pin names. */
  repository?: { service: string; node: string; /** Where it keeps the backups, when not on its volume: s3://bucket/path. */ storage?: string };
  networks: Array<{ name: string; encrypted: boolean; subnet?: string; services: string[] }>;
  /** The login roles applications use now, and what this credentials rotation step does (from the config). */
  logins?: { roles: string[]; rotation: string };
}

const services = (resources: PlannedResource[]) => resources.filter((resource) => resource.type === "service");
const pinOf = (constraint: string) => /^node\.labels\.(\S+) == (\S+)$/.exec(constraint);

/** Whether an environment value names an endpoint host (PGHOST=db-rw, DATABASE_URL=postgresql://app@db-rw:5432/app). */
export function envUsesHost(value: unknown, host: string): boolean {
  return typeof value === "string" && (value === host || value.includes(`@${host}:`) || value.includes(`@${host}/`));
}

export function summarize(stack: string, topology: string, resources: PlannedResource[]): PlanSummary {
  const nodeLabels = resources
    .filter((resource) => resource.type === "node-labels")
    .map((resource) => ({ node: String(resource.node), labels: (resource.labels ?? {}) as Record<string, string> }));
  const all = services(resources);
  const byRole = (role: string) => all.filter((service) => service.role === role);

  const members = byRole(ROLES.pgnode).map((service): MemberPlacement => {
    const pins = ((service.placement as string[]) ?? []).map(pinOf).filter((pin): pin is RegExpExecArray => pin !== null);
    const carrier = nodeLabels.find((node) => pins.some(([, key, value]) => node.labels[key] === value));
    const member = String(service.member ?? service.dockerName);
    return {
      service: String(service.dockerName),
      member,
      node: carrier?.node ?? (pins.map(([constraint]) => constraint).join(", ") || "anywhere"),
      initialPrimary: service.initialPrimary === true,
    };
  }).sort((a, b) => a.member.localeCompare(b.member));
  const apps = all.filter((service) => !Object.values(ROLES).includes(service.role as never));
  const repositoryService = byRole(ROLES.backupRepo)[0];
  const repositoryPins = ((repositoryService?.placement as string[]) ?? []).map(pinOf).filter((pin): pin is RegExpExecArray => pin !== null);
  const repositoryNode = nodeLabels.find((node) => repositoryPins.some(([, key, value]) => node.labels[key] === value))?.node;
  const aliases = (service: PlannedResource) =>
    ((service.networks as Array<{ aliases: string[] }>) ?? []).flatMap((network) => network.aliases);

  const endpoints = [ENDPOINTS.rw, ENDPOINTS.alias, ENDPOINTS.ro].flatMap((endpoint): EndpointUse[] => {
    const servedBy = all.filter((service) => aliases(service).includes(endpoint)).map((service) => String(service.dockerName));
    if (servedBy.length === 0) return [];
    const usedBy = apps
      .filter((app) => Object.values((app.env ?? {}) as Record<string, string>).some((value) => envUsesHost(value, endpoint)))
      .map((app) => String(app.dockerName));
    return [{ endpoint, servedBy, usedBy }];
  });

  return {
    stack,
    topology,
    nodes: nodeLabels,
    members,
    routers: byRole(ROLES.router).map((service) => ({ service: String(service.dockerName), replicas: Number(service.replicas ?? 1) })),
    endpoints,
    apps: apps.map((service) => ({
      service: String(service.dockerName),
      replicas: Number(service.replicas ?? 1),
      published: (service.published as string[]) ?? [],
    })),
    exporters: byRole(ROLES.exporter).map((service) => String(service.dockerName)),
    ...(repositoryService ? { repository: { service: String(repositoryService.dockerName), node: repositoryNode ?? "anywhere" } } : {}),
    networks: resources
      .filter((resource) => resource.type === "network")
      .map((network) => ({
        name: String(network.dockerName),
        encrypted: network.encrypted === true,
        subnet: network.subnet as string | undefined,
        services: all
          .filter((service) => ((service.networks as Array<{ network: string }>) ?? []).some((attached) => attached.network === network.dockerName))
          .map((service) => String(service.dockerName)),
      })),
  };
}

/** The summary as the lines a terminal (or a PR comment) shows first. */
export function renderSummary(summary: PlanSummary): string[] {
  const lines = [`stack ${summary.stack}: ${summary.topology}`];
  lines.push("members:");
  for (const member of summary.members) {
    lines.push(`  ${member.member.padEnd(10)} on ${member.node}${member.initialPrimary ? " (initial primary)" : ""}  [${member.service}]`);
  }
  if (summary.routers.length > 0) {
    lines.push(`routers: ${summary.routers.map((router) => `${router.service} ×${router.replicas}`).join(", ")}`);
  }
  lines.push("endpoints (DB network, port 5432):");
  for (const endpoint of summary.endpoints) {
    const users = endpoint.usedBy.length > 0 ? endpoint.usedBy.join(", ") : "no application";
    lines.push(`  ${endpoint.endpoint.padEnd(6)} served by ${endpoint.servedBy.join(", ")}; used by ${users}`);
  }
  lines.push("applications:");
  for (const app of summary.apps) {
    lines.push(`  ${app.service} ×${app.replicas}${app.published.length > 0 ? `, published ${app.published.join(", ")}` : ""}`);
  }
  if (summary.repository) {
    const storage = summary.repository.storage ? `, keeping the backups in ${summary.repository.storage}` : "";
    lines.push(`backups: ${summary.repository.service} on ${summary.repository.node} (the pgBackRest repository every member archives to${storage})`);
  }
  if (summary.logins) lines.push(`logins: applications log in as ${summary.logins.roles.join(", ")}; credentials rotation ${summary.logins.rotation}`);
  if (summary.exporters.length > 0) lines.push(`metrics: ${summary.exporters.join(", ")} (postgres_exporter :9187)`);
  lines.push(
    `networks: ${summary.networks.map((network) => `${network.name} (${network.encrypted ? "encrypted" : "not encrypted"}${network.subnet ? `, ${network.subnet}` : ""})`).join(", ")}`,
  );
  return lines;
}
