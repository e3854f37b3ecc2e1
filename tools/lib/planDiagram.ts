/**
 * A stack as a Mermaid flowchart (GitHub renders it in a PR comment): Swarm
 * nodes with the DB members pinned to them, the services Swarm schedules, the
 * DB endpoints and who serves and uses them, the networks, published ports.
 * Pure; every label is escaped, every id derived from a name.
 */
import type { PlanSummary } from "./planSummary";

/** A Mermaid id from any name: letters, digits and _ only, with a prefix per kind so ids never clash. */
export const mermaidId = (kind: string, name: string) => `${kind}_${name.replace(/[^A-Za-z0-9]/g, "_")}`;

/** A quoted Mermaid label: quotes and markup characters as entity codes, so no name can break the diagram. */
export function mermaidLabel(text: string): string {
  const escaped = text.replace(/[#"<>&`]/g, (char) => `#${char.charCodeAt(0)};`).replace(/\n/g, "<br/>");
  return `"${escaped}"`;
}

export function renderMermaid(summary: PlanSummary): string {
  const lines = ["flowchart LR"];
  const node = (id: string, open: string, label: string, close: string) => `${id}${open}${mermaidLabel(label)}${close}`;
  const serviceId = (service: string) => mermaidId("svc", service);

  lines.push(`  subgraph ${mermaidId("grp", "nodes")}[${mermaidLabel("Swarm nodes")}]`);
  const placedNodes = new Set(summary.members.map((member) => member.node));
  for (const swarmNode of summary.nodes) {
    const extra = Object.entries(swarmNode.labels)
      .filter(([key]) => !key.startsWith("pgswarm."))
      .map(([key, value]) => `${key}=${value}`);
    const backups = Object.entries(swarmNode.labels).some(([key, value]) => key.endsWith(".backups") && value === "true");
    const title = [`node ${swarmNode.node}`, ...(backups ? ["backups"] : []), ...extra].join(" · ");
    lines.push(`    subgraph ${mermaidId("node", swarmNode.node)}[${mermaidLabel(title)}]`);
    for (const member of summary.members.filter((candidate) => candidate.node === swarmNode.node)) {
      const role = member.initialPrimary ? `${member.member} · initial primary` : member.member;
      lines.push(`      ${node(serviceId(member.service), "[(", `${member.service}\n${role}`, ")]")}`);
    }
    if (summary.repository?.node === swarmNode.node) {
      lines.push(`      ${node(serviceId(summary.repository.service), "[(", `${summary.repository.service}\nbackup repository`, ")]")}`);
    }
    if (!placedNodes.has(swarmNode.node)) lines.push(`      ${node(mermaidId("free", swarmNode.node), "[", "no DB member", "]")}`);
    lines.push("    end");
  }
  // A member whose pin no declared node carries still shows, outside the nodes.
  for (const member of summary.members.filter((candidate) => !summary.nodes.some((swarmNode) => swarmNode.node === candidate.node))) {
    lines.push(`    ${node(serviceId(member.service), "[(", `${member.service}\n${member.member} · pinned to ${member.node}`, ")]")}`);
  }
  lines.push("  end");

  lines.push(`  subgraph ${mermaidId("grp", "scheduled")}[${mermaidLabel("scheduled by Swarm")}]`);
  for (const router of summary.routers) lines.push(`    ${node(serviceId(router.service), "([", `${router.service}\nrouter ×${router.replicas}`, "])")}`);
  for (const app of summary.apps) lines.push(`    ${node(serviceId(app.service), "[", `${app.service}\n×${app.replicas}`, "]")}`);
  for (const exporter of summary.exporters) lines.push(`    ${node(serviceId(exporter), "[/", `${exporter}\n:9187/metrics`, "/]")}`);
  lines.push("  end");

  for (const endpoint of summary.endpoints) {
    const id = mermaidId("ep", endpoint.endpoint);
    lines.push(`  ${node(id, "{{", `${endpoint.endpoint}:5432`, "}}")}`);
    for (const server of endpoint.servedBy) lines.push(`  ${serviceId(server)} ==> ${id}`);
    for (const user of endpoint.usedBy) lines.push(`  ${serviceId(user)} -->|${mermaidLabel("uses")}| ${id}`);
  }
  const memberServices = new Set(summary.members.map((member) => member.service));
  // Routers pick among the members; an endpoint a member serves itself needs no such edge.
  for (const router of summary.routers) {
    for (const member of memberServices) lines.push(`  ${serviceId(router.service)} -.-> ${serviceId(member)}`);
  }
  if (summary.repository) {
    if (!summary.nodes.some((swarmNode) => swarmNode.node === summary.repository!.node)) {
      lines.push(`  ${node(serviceId(summary.repository.service), "[(", `${summary.repository.service}\nbackup repository · pinned to ${summary.repository.node}`, ")]")}`);
    }
    for (const member of memberServices) lines.push(`  ${serviceId(member)} -.->|${mermaidLabel("WAL")}| ${serviceId(summary.repository.service)}`);
  }
  for (const exporter of summary.exporters) {
    const member = summary.members.find((candidate) => exporter.startsWith(`${candidate.service}-`));
    if (member) lines.push(`  ${serviceId(exporter)} -.->|${mermaidLabel("scrapes")}| ${serviceId(member.service)}`);
  }
  for (const app of summary.apps) {
    for (const published of app.published) {
      const id = mermaidId("port", `${app.service}_${published}`);
      lines.push(`  ${node(id, "((", `:${published}`, "))")} --> ${serviceId(app.service)}`);
    }
  }
  // A network links what reaches each other over it: the endpoints it carries and the applications on it.
  const appServices = new Set(summary.apps.map((app) => app.service));
  for (const network of summary.networks) {
    const id = mermaidId("net", network.name);
    const details = [network.encrypted ? "encrypted" : "not encrypted", ...(network.subnet ? [network.subnet] : [])].join(", ");
    lines.push(`  ${node(id, "[/", `network ${network.name}\n${details}`, "\\]")}`);
    for (const endpoint of summary.endpoints.filter((candidate) => candidate.servedBy.some((server) => network.services.includes(server)))) {
      lines.push(`  ${id} --- ${mermaidId("ep", endpoint.endpoint)}`);
    }
    for (const service of network.services.filter((candidate) => appServices.has(candidate))) lines.push(`  ${id} --- ${serviceId(service)}`);
  }
  return `${lines.join("\n")}\n`;
}
