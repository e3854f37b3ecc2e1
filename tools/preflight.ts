/**
 * `npx tsx tools/preflight.ts docker|ports|urls <stack>`: the checks
 * tools/up.sh runs before `pulumi up`, and the URLs it prints after. Each
 * problem is one line on stderr. Exit 0 ok, 1 a problem, 3 the Docker
 * Engine is not in swarm mode (dev may initialise one itself).
 */
import Docker from "dockerode";
import * as fs from "fs";
import { ConfigError, loadFromFile, readStackFile, stackFilePath } from "../components/config";
import { DEFAULT_DOCKER_HOST, dockerConnection } from "../components/swarm/dockerHost";
import { appUrls, dockerVerdict, listeningPorts, portConflicts, publishedPorts, type DockerFacts } from "./lib/firstRun";
import { PROJECT_DIR } from "./lib/mockRun";

const EXIT_NO_SWARM = 3;

function dockerHostOf(stack: string): string {
  const configured = readStackFile(stackFilePath(PROJECT_DIR, stack))["docker:host"];
  return typeof configured === "string" && configured ? configured : (process.env.DOCKER_HOST ?? DEFAULT_DOCKER_HOST);
}

async function dockerFacts(dockerHost: string): Promise<DockerFacts> {
  try {
    const docker = new Docker({ ...dockerConnection(dockerHost), timeout: 10_000 } as Docker.DockerOptions);
    const info = await docker.info();
    return { reachable: true, swarmState: info.Swarm?.LocalNodeState, manager: info.Swarm?.ControlAvailable };
  } catch (error) {
    return { reachable: false, error: (error as Error).message };
  }
}

async function swarmPublishers(dockerHost: string): Promise<Map<number, { service: string; stack?: string }>> {
  const docker = new Docker({ ...dockerConnection(dockerHost), timeout: 10_000 } as Docker.DockerOptions);
  const publishers = new Map<number, { service: string; stack?: string }>();
  for (const service of await docker.listServices()) {
    for (const port of service.Spec?.EndpointSpec?.Ports ?? []) {
      if (port.PublishedPort) {
        publishers.set(port.PublishedPort, { service: service.Spec?.Name ?? service.ID, stack: service.Spec?.Labels?.["com.docker.stack.namespace"] });
      }
    }
  }
  return publishers;
}

function localListeningPorts(): Set<number> {
  const text = ["/proc/net/tcp", "/proc/net/tcp6"].map((file) => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "")).join("\n");
  return listeningPorts(text);
}

async function main(): Promise<number> {
  const [check, stack] = process.argv.slice(2);
  if (!["docker", "ports", "urls"].includes(check) || !stack) {
    process.stderr.write("usage: npx tsx tools/preflight.ts docker|ports|urls <stack>\n");
    return 2;
  }
  const config = loadFromFile(stackFilePath(PROJECT_DIR, stack));
  const dockerHost = dockerHostOf(stack);
  switch (check) {
    case "docker": {
      const verdict = dockerVerdict(stack, dockerHost, await dockerFacts(dockerHost));
      if (verdict.kind === "ok") return 0;
      process.stderr.write(`${verdict.line}\n`);
      return verdict.kind === "no-swarm" ? EXIT_NO_SWARM : 1;
    }
    case "ports": {
      const local = dockerHost.startsWith("unix://");
      const conflicts = portConflicts(stack, publishedPorts(config), await swarmPublishers(dockerHost), local ? localListeningPorts() : new Set());
      for (const conflict of conflicts) process.stderr.write(`${conflict}\n`);
      return conflicts.length === 0 ? 0 : 1;
    }
    default:
      for (const url of appUrls(config, dockerHost)) process.stdout.write(`${url}\n`);
      return 0;
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error) => {
    // A user's mistake or an unreachable engine: one line, no stack trace.
    const message = error instanceof ConfigError ? error.message : `preflight: ${(error as Error).message.split("\n")[0]}`;
    process.stderr.write(`${message}\n`);
    process.exitCode = 1;
  },
);
