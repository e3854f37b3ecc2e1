/**
 * Runs `pgswarm-ctl` inside a stack's cluster, with nothing but the Docker
 * Engine API of a manager (the one `pulumi up` uses): a one-shot service on the
 * stack's DB network, from the members' own image, with the cluster.json config
 * and the agents' key mounted exactly as the members have them. Its output is
 * read back through the service's logs, then the service is removed. No SSH,
 * no port published, no secret on a command line.
 */
import * as fs from "fs";
import { PassThrough } from "stream";
import Docker from "dockerode";
import { CONFIG_FILES, CONFIG_DIR, secretFile, AGENT_KEY_CREDENTIAL } from "../../components/contract";
import { readStackFile, stackFilePath } from "../../components/config";
import { DEFAULT_DOCKER_HOST, dockerConnection } from "../../components/swarm/dockerHost";
import { PROJECT_DIR } from "./mockRun";

export const CTL_LABEL = "pgswarm.ctl";

/** The Docker host to reach a stack's swarm: --docker-host, DOCKER_HOST, the stack file's docker:host, or the local socket. */
export function dockerHostFor(stack: string, argv: string[]): string {
  const flag = argv.indexOf("--docker-host");
  if (flag >= 0 && argv[flag + 1]) return argv[flag + 1];
  if (process.env.DOCKER_HOST) return process.env.DOCKER_HOST;
  const file = stackFilePath(PROJECT_DIR, stack);
  if (fs.existsSync(file)) {
    const configured = readStackFile(file)["docker:host"];
    if (typeof configured === "string" && configured) return configured;
  }
  return DEFAULT_DOCKER_HOST;
}

export function dockerFor(host: string): Docker {
  return new Docker({ ...dockerConnection(host), timeout: 30_000 } as Docker.DockerOptions);
}

/** A DB member's service spec of the stack: the template for the ctl service. */
async function memberSpec(docker: Docker, stack: string): Promise<any> {
  const services = await docker.listServices({ filters: { label: [`pgswarm.stack=${stack}`, "pgswarm.role=pgnode"] } });
  const spec = services.map((service: any) => service.Spec).find((candidate: any) => candidate?.Labels?.["pgswarm.member"]?.startsWith("pgnode"));
  if (!spec) throw new Error(`stack "${stack}" has no DB member on this swarm (looked for services labelled pgswarm.stack=${stack})`);
  return spec;
}

export interface CtlResult {
  exitCode: number;
  output: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Task states a ctl's task does not leave. */
const TASK_ENDED = ["complete", "failed", "rejected", "shutdown"];

function demux(buffer: Buffer): string {
  // Service logs come multiplexed (8-byte frame headers) unless the service has a TTY.
  let text = "";
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    text += buffer.subarray(offset + 8, offset + 8 + size).toString("utf8");
    offset += 8 + size;
  }
  return offset === buffer.length ? text : buffer.toString("utf8");
}

/** Swarm's managers refuse changes for a moment while they elect a leader (after a node was lost): try again. */
export async function retryWhileSwarmElects<T>(action: () => Promise<T>, attempts = 60): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      const transient = /lost leader|no leader|does not have a leader|raft|deadline exceeded/i.test(String((error as Error).message));
      if (!transient || attempt >= attempts) throw error;
      await sleep(1000);
    }
  }
}

/** The ctl services this process created and has not removed yet: removed on the way out, whatever ends it. */
const liveCtlServices = new Map<string, Docker.Service>();

/** Removes a ctl service, riding out Swarm's elections (after a partition a first attempt may be refused). */
async function removeCtlService(id: string, service: Docker.Service): Promise<void> {
  await retryWhileSwarmElects(() => service.remove(), 30).catch((error: Error) => {
    if (!/no such service|not found/i.test(error.message)) process.stderr.write(`could not remove the ctl service ${id}: ${error.message}\n`);
  });
  liveCtlServices.delete(id);
}

/** Removes every ctl service this process still runs (a watch that was interrupted). */
export async function removeLiveCtlServices(): Promise<void> {
  await Promise.all([...liveCtlServices].map(([id, service]) => removeCtlService(id, service)));
}

/** On Ctrl-C or SIGTERM: remove this process's ctl services, then exit 130. */
export function removeCtlServicesOnSignals(): void {
  const quit = () => void removeLiveCtlServices().finally(() => process.exit(130));
  process.once("SIGINT", quit);
  process.once("SIGTERM", quit);
}

/** Creates the ctl service running `pgswarm-ctl <args>`; the caller removes it. */
async function createCtlService(docker: Docker, stack: string, args: string[]): Promise<{ id: string; service: Docker.Service; selfNodeId: string }> {
  const template = await retryWhileSwarmElects(() => memberSpec(docker, stack));
  const container = template.TaskTemplate.ContainerSpec;
  const keyFile = secretFile(AGENT_KEY_CREDENTIAL);
  const clusterFile = `${CONFIG_DIR}/${CONFIG_FILES.cluster}`;
  const secrets = (container.Secrets ?? []).filter((secret: any) => secret.File?.Name === keyFile);
  const configs = (container.Configs ?? []).filter((config: any) => config.File?.Name === clusterFile);
  if (secrets.length !== 1 || configs.length !== 1) throw new Error(`the DB members of "${stack}" do not mount the agent key and cluster.json: redeploy the stack`);
  const name = `${stack}_ctl-${Date.now().toString(36)}`;
  // On the manager we talk to, when it takes tasks: Swarm may still count a node that was just cut off as ready,
  // and a task scheduled there would never run.
  const selfNodeId: string = await retryWhileSwarmElects(async () => ((await docker.info()) as any).Swarm.NodeID);
  const self = await retryWhileSwarmElects(async () => {
    const node: any = await docker.getNode(selfNodeId).inspect();
    return node.Spec?.Availability === "active" ? [`node.id==${selfNodeId}`] : [];
  });
  const created = await retryWhileSwarmElects(() => docker.createService({
    Name: name,
    Labels: { [CTL_LABEL]: stack },
    TaskTemplate: {
      ContainerSpec: {
        Image: container.Image,
        Command: ["/usr/local/bin/pgswarm-ctl", ...args],
        Secrets: secrets,
        Configs: configs,
      },
      Networks: template.TaskTemplate.Networks.map((network: any) => ({ Target: network.Target })),
      RestartPolicy: { Condition: "none" },
      Placement: { Constraints: self },
    },
    Mode: { Replicated: { Replicas: 1 } },
    EndpointSpec: { Mode: "dnsrr" },
  } as any));
  const id = (created as any).id ?? (created as any).ID;
  const service = docker.getService(id);
  liveCtlServices.set(id, service);
  return { id, service, selfNodeId };
}

export async function runCtl(docker: Docker, stack: string, args: string[], timeoutMs = 120_000): Promise<CtlResult> {
  const { id, service } = await createCtlService(docker, stack, args);
  try {
    const started = Date.now();
    for (;;) {
      const tasks = await retryWhileSwarmElects(() => docker.listTasks({ filters: { service: [id] } }));
      const task: any = tasks[0];
      const state = task?.Status?.State;
      if (TASK_ENDED.includes(state)) {
        const exitCode = task.Status.ContainerStatus?.ExitCode ?? (state === "complete" ? 0 : 1);
        const logs = (await retryWhileSwarmElects(() => service.logs({ stdout: true, stderr: true, follow: false } as any) as unknown as Promise<Buffer>)) as unknown as Buffer;
        const output = demux(Buffer.isBuffer(logs) ? logs : Buffer.from(String(logs)));
        return { exitCode, output: output || (task.Status.Err ?? "") };
      }
      if (Date.now() - started > timeoutMs) throw new Error(`pgswarm-ctl ${args.join(" ")} did not finish within ${timeoutMs / 1000} s (task ${state ?? "not scheduled"})`);
      await sleep(200);
    }
  } finally {
    await removeCtlService(id, service);
  }
}

/** Splits a stream of text chunks into whole lines (a chunk may end mid-line). */
export function lineSplitter(onLine: (line: string) => void): (chunk: string) => void {
  let pending = "";
  return (chunk) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) if (line.trim()) onLine(line);
  };
}

/**
 * Runs a long-lived ctl (`status --every <ms>`) and hands each line it prints
 * to onLine as it comes, until stop() (which removes the service) or the task ends.
 */
export async function followCtl(docker: Docker, stack: string, args: string[], onLine: (line: string) => void): Promise<{ stop: () => Promise<void>; ended: Promise<void> }> {
  const { id, service, selfNodeId } = await createCtlService(docker, stack, args);
  const stop = () => removeCtlService(id, service);
  try {
    let task: any;
    for (let waited = 0; ; waited += 200) {
      [task] = await retryWhileSwarmElects(() => docker.listTasks({ filters: { service: [id] } }));
      const state = task?.Status?.State;
      if (state === "running") break;
      if (TASK_ENDED.includes(state)) throw new Error(`pgswarm-ctl ${args.join(" ")} ended at once: ${task.Status.Err ?? state}`);
      if (waited > 60_000) throw new Error(`pgswarm-ctl ${args.join(" ")} did not start within 60 s (task ${state ?? "not scheduled"})`);
      await sleep(200);
    }
    // On the node we talk to, read the container's own log: it keeps flowing while Swarm's managers elect
    // (a service's log goes through the leader).
    const options = { stdout: true, stderr: true, follow: true } as any;
    const containerId = task.Status?.ContainerStatus?.ContainerID;
    const stream: NodeJS.ReadableStream = (
      task.NodeID === selfNodeId && containerId ? await docker.getContainer(containerId).logs(options) : await service.logs(options)
    ) as any;
    const split = lineSplitter(onLine);
    const out = new PassThrough();
    out.on("data", (chunk: Buffer) => split(chunk.toString("utf8")));
    docker.modem.demuxStream(stream, out, out);
    const ended = new Promise<void>((resolve) => {
      stream.on("end", () => resolve());
      stream.on("error", () => resolve());
      stream.on("close", () => resolve());
    });
    return { stop: async () => { (stream as any).destroy?.(); await stop(); }, ended };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The last JSON document a ctl run printed (its log lines may come first). */
export function lastJson(output: string): any {
  const lines = output.trim().split("\n").reverse();
  for (const line of lines) {
    const start = line.indexOf("{");
    if (start < 0) continue;
    try {
      return JSON.parse(line.slice(start));
    } catch {
      // not this line
    }
  }
  return undefined;
}

/**
 * An operator tool's whole run of one ctl command: the ctl's JSON answer printed,
 * then the line `describe` makes of it; exit status 0 when it says ok.
 */
export async function runCtlCommand(
  tool: string,
  stack: string,
  argv: string[],
  args: string[],
  describe: (outcome: any) => string,
  timeoutMs?: number,
): Promise<number> {
  removeCtlServicesOnSignals();
  const result = await runCtl(dockerFor(dockerHostFor(stack, argv)), stack, args, timeoutMs);
  const outcome = lastJson(result.output);
  if (!outcome) {
    process.stderr.write(`${tool}: no answer from the cluster:\n${result.output}\n`);
    return 1;
  }
  process.stdout.write(`${JSON.stringify(outcome)}\n${describe(outcome)}\n`);
  return outcome.ok ? 0 : 1;
}
