/**
 * The first five minutes, as pure functions: what a missing Docker, a Docker
 * Engine outside swarm mode or a port in use mean in one line, and where the
 * deployed application answers. tools/preflight.ts gathers the facts.
 */
import type { StackConfig } from "../../components/config";

export interface DockerFacts {
  reachable: boolean;
  /** Why not, as the Docker client said it. */
  error?: string;
  /** Swarm.LocalNodeState from `docker info`: inactive, pending, active, error, locked. */
  swarmState?: string;
  /** Swarm.ControlAvailable: this engine is a manager. */
  manager?: boolean;
}

export type DockerVerdict =
  | { kind: "ok" }
  | { kind: "no-docker" | "not-manager" | "swarm-broken"; line: string }
  /** Not in swarm mode: dev may initialise a one-node swarm itself. */
  | { kind: "no-swarm"; line: string };

const isLocal = (dockerHost: string) => dockerHost.startsWith("unix://") || dockerHost.startsWith("npipe://");

export function dockerVerdict(stack: string, dockerHost: string, facts: DockerFacts): DockerVerdict {
  const where = isLocal(dockerHost) ? "this machine's Docker Engine" : `the Docker host ${dockerHost}`;
  if (!facts.reachable) {
    const reason = (facts.error ?? "no answer").split("\n")[0];
    const hint = isLocal(dockerHost)
      ? "install Docker Engine (https://docs.docker.com/engine/install/) and start it, or set DOCKER_HOST"
      : `check docker:host in Pulumi.${stack}.yaml and that \`docker -H ${dockerHost} info\` works`;
    return { kind: "no-docker", line: `cannot reach ${where} (${reason}): ${hint}` };
  }
  if (facts.swarmState === "inactive" || facts.swarmState === undefined || facts.swarmState === "") {
    return {
      kind: "no-swarm",
      line: isLocal(dockerHost)
        ? `${where} is not in swarm mode: run \`docker swarm init\` (makes it a one-node swarm manager; \`docker swarm leave --force\` undoes it)`
        : `${where} is not in swarm mode: run \`docker swarm init\` on that machine, or point docker:host at a manager of your swarm`,
    };
  }
  if (facts.swarmState !== "active") {
    return { kind: "swarm-broken", line: `${where} is in swarm state "${facts.swarmState}": \`docker info\` there says why (a locked swarm needs \`docker swarm unlock\`)` };
  }
  if (facts.manager === false) {
    return { kind: "not-manager", line: `${where} is a swarm worker: pgswarm deploys through a manager (\`docker node ls\` on one shows them; set docker:host to it)` };
  }
  return { kind: "ok" };
}

/** TCP ports in LISTEN state from /proc/net/tcp and /proc/net/tcp6. */
export function listeningPorts(procNetTcp: string): Set<number> {
  const ports = new Set<number>();
  for (const line of procNetTcp.split("\n")) {
    const fields = line.trim().split(/\s+/);
    // sl local_address rem_address st ...; st 0A is LISTEN
    if (fields.length > 3 && fields[3] === "0A") {
      const port = parseInt(fields[1].split(":").pop() ?? "", 16);
      if (Number.isInteger(port)) ports.add(port);
    }
  }
  return ports;
}

export interface PublishedPort {
  service: string;
  port: number;
  protocol: string;
}

export function publishedPorts(config: Pick<StackConfig, "services">): PublishedPort[] {
  return Object.entries(config.services).flatMap(([service, spec]) =>
    spec.publish.map((published) => ({ service, port: published.port, protocol: published.protocol })),
  );
}

/**
 * One line per published port something else already holds: another swarm
 * service, or a process listening on this machine. Our own stack's services
 * holding their ports (a re-deploy) are no conflict.
 */
export function portConflicts(
  stack: string,
  wanted: PublishedPort[],
  swarmPublishers: Map<number, { service: string; stack?: string }>,
  listening: Set<number>,
): string[] {
  return wanted
    .filter((published) => published.protocol === "tcp" || swarmPublishers.has(published.port))
    .flatMap((published) => {
      const holder = swarmPublishers.get(published.port);
      if (holder && holder.stack === stack) return [];
      if (holder) return [`port ${published.port} (services.${published.service}.publish) is already published by the swarm service ${holder.service}`];
      if (listening.has(published.port)) {
        return [`port ${published.port} (services.${published.service}.publish) is in use on this machine: stop what listens there (\`ss -ltnp 'sport = :${published.port}'\` shows it) or publish another port`];
      }
      return [];
    });
}

/** Where the stack's published services answer, from the Docker host's address. */
export function appUrls(config: Pick<StackConfig, "services">, dockerHost: string): string[] {
  let host = "localhost";
  if (!isLocal(dockerHost)) {
    try {
      host = new URL(dockerHost).hostname || host;
    } catch {
      // keep localhost
    }
  }
  return publishedPorts(config)
    .filter((published) => published.protocol === "tcp")
    .map((published) => {
      const scheme = published.port === 443 || published.port === 8443 ? "https" : "http";
      const defaultPort = (scheme === "https" && published.port === 443) || (scheme === "http" && published.port === 80);
      return `${scheme}://${host}${defaultPort ? "" : `:${published.port}`}/  (${published.service})`;
    });
}

export interface TestbedFacts {
  platform: string;
  uid: number;
  missingTools: string[];
}

/** What the e2e testbed needs that this machine lacks, in one line; undefined when it has everything. */
export function testbedPrerequisites(facts: TestbedFacts): string | undefined {
  const missing: string[] = [];
  if (facts.platform !== "linux") missing.push(`Linux (this is ${facts.platform})`);
  if (facts.uid !== 0) missing.push("root (run it with sudo)");
  if (facts.missingTools.length > 0) missing.push(`the tools ${facts.missingTools.join(", ")} (Debian: docker.io debootstrap iproute2 iptables util-linux)`);
  if (missing.length === 0) return undefined;
  return `the e2e tests need their testbed (five swarm nodes on this machine), which needs ${missing.join(", ")}; then run npm test again, or only the unit tests with npm run test:unit`;
}

/** The commands tests/harness/testbed.sh up needs (its `require` list). */
export const TESTBED_TOOLS = ["docker", "dockerd", "ip", "nsenter", "unshare", "iptables", "debootstrap"];
