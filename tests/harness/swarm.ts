/** Reading the testbed swarm: tasks, convergence, and commands inside a task's container. */
import type Docker from "dockerode";
import { retryWhileSwarmElects } from "../../tools/lib/ctlService";
import { dockerOn, managerApi, NODES, type NodeName } from "./testbed";

export interface RunningTask {
  service: string;
  node: NodeName;
  containerId: string;
  taskId: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function nodeNames(docker: Docker): Promise<Map<string, NodeName>> {
  const nodes = await docker.listNodes();
  return new Map(nodes.map((node: any) => [node.ID, node.Description.Hostname as NodeName]));
}

/** Tasks of a service that Swarm reports running (with a health check: running means healthy). */
export async function runningTasks(service: string): Promise<RunningTask[]> {
  // After a manager's node was cut off or healed, the others answer "deadline exceeded" while they elect: ask again.
  const [names, tasks] = await retryWhileSwarmElects(async () => {
    const docker = await managerApi();
    return [await nodeNames(docker), await docker.listTasks({ filters: { service: [service], "desired-state": ["running"] } })] as const;
  });
  return tasks
    .filter((task: any) => task.Status?.State === "running")
    .map((task: any) => ({
      service,
      node: names.get(task.NodeID)!,
      containerId: task.Status.ContainerStatus.ContainerID,
      taskId: task.ID,
    }));
}

export async function stackServices(stack: string): Promise<any[]> {
  return retryWhileSwarmElects(async () => (await managerApi()).listServices({ filters: { label: [`pgswarm.stack=${stack}`] } }));
}

/** Waits until every service of the stack runs all its replicas; says which did not when time runs out. */
export async function waitConverged(stack: string, timeoutMs = 240_000): Promise<number> {
  const started = Date.now();
  let lagging: string[] = [];
  while (Date.now() - started < timeoutMs) {
    lagging = [];
    for (const service of await stackServices(stack)) {
      const wanted = service.Spec.Mode.Replicated?.Replicas ?? 1;
      const running = await runningTasks(service.Spec.Name);
      // An update in flight (or stuck) still counts the old tasks as running: converged means it finished.
      const update = service.UpdateStatus?.State;
      if (running.length !== wanted) lagging.push(`${service.Spec.Name} ${running.length}/${wanted}`);
      else if (update && update !== "completed") lagging.push(`${service.Spec.Name} update ${update}: ${service.UpdateStatus.Message ?? ""}`);
    }
    if (lagging.length === 0) return Date.now() - started;
    await sleep(1000);
  }
  throw new Error(`stack ${stack} did not converge in ${timeoutMs / 1000} s: ${lagging.join(", ")}\n${await recentTaskHistory(stack)}`);
}

/**
 * Waits until Swarm has nothing in flight for the stack: converged, no task it
 * wants running still pending, and no task it wants shut down still running.
 * After a node was cut off, the manager replaces that node's tasks once it sees
 * the node again, seconds after the heal; a scenario that starts meanwhile
 * would meet a restart it did not inject.
 */
export async function waitSettled(stack: string, timeoutMs = 120_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      await waitConverged(stack, Math.max(1000, timeoutMs - (Date.now() - started)));
      break;
    } catch (error) {
      // After a heal Swarm's managers may elect again: no manager answering means "not settled yet".
      if (!/no manager of the testbed swarm answers/.test((error as Error).message) || Date.now() - started > timeoutMs) throw error;
      await sleep(500);
    }
  }
  let inFlight: string[] = [];
  while (Date.now() - started < timeoutMs) {
    inFlight = [];
    try {
      const docker = await managerApi();
      for (const service of await stackServices(stack)) {
        const tasks: any[] = await docker.listTasks({ filters: { service: [service.Spec.Name] } });
        for (const task of tasks) {
          const state = task.Status?.State;
          if (task.DesiredState === "running" && state !== "running") inFlight.push(`${service.Spec.Name}: a task is ${state}`);
          if (task.DesiredState !== "running" && state === "running") inFlight.push(`${service.Spec.Name}: a task to ${task.DesiredState} still runs`);
        }
      }
    } catch (error) {
      inFlight.push((error as Error).message.split("\n")[0]);
    }
    if (inFlight.length === 0) return Date.now() - started;
    await sleep(500);
  }
  throw new Error(`stack ${stack} did not settle in ${timeoutMs / 1000} s: ${inFlight.join(", ")}\n${await recentTaskHistory(stack)}`);
}

/** The last tasks of each service of a stack with their node, state and error: why a service did not converge. */
async function recentTaskHistory(stack: string): Promise<string> {
  try {
    const docker = await managerApi();
    const names = await nodeNames(docker);
    const lines: string[] = [];
    for (const service of await stackServices(stack)) {
      const tasks: any[] = await docker.listTasks({ filters: { service: [service.Spec.Name] } });
      tasks.sort((a, b) => String(b.UpdatedAt).localeCompare(String(a.UpdatedAt)));
      for (const task of tasks.slice(0, 6)) {
        const status = task.Status ?? {};
        lines.push(`  ${service.Spec.Name} on ${names.get(task.NodeID) ?? "(unassigned)"}: ${status.State} (want ${task.DesiredState}) ${status.Message ?? ""} ${status.Err ?? ""}`.trimEnd());
      }
    }
    return lines.join("\n");
  } catch (error) {
    return `(task history unavailable: ${(error as Error).message})`;
  }
}

/** Runs a command in a container on its node; returns stdout, throws with stderr on failure (or after timeoutMs). */
export async function execIn(node: NodeName, containerId: string, command: string[], timeoutMs = 60_000): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${command.join(" ")}: no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([execOnce(node, containerId, command), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function execOnce(node: NodeName, containerId: string, command: string[]): Promise<string> {
  const container = dockerOn(node).getContainer(containerId);
  const exec = await container.exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    dockerOn(node).modem.demuxStream(stream, { write: (chunk: Buffer) => stdout.push(chunk) } as any, { write: (chunk: Buffer) => stderr.push(chunk) } as any);
    stream.on("end", resolve);
    stream.on("error", reject);
  });
  const { ExitCode } = await exec.inspect();
  if (ExitCode !== 0) {
    // A command that sends its errors to stdout (`2>&1`) would otherwise fail with no reason given.
    const reason = Buffer.concat(stderr).toString() || Buffer.concat(stdout).toString().slice(-600);
    throw new Error(`${command.join(" ")} exited ${ExitCode}: ${reason}`);
  }
  return Buffer.concat(stdout).toString();
}

export async function nodeLabels(node: NodeName): Promise<Record<string, string>> {
  const nodes = await retryWhileSwarmElects(async () => (await managerApi()).listNodes());
  const found = nodes.find((candidate: any) => candidate.Description.Hostname === node);
  return (found as any).Spec.Labels ?? {};
}

export async function volumesOn(stack: string): Promise<Array<{ node: NodeName; name: string }>> {
  const volumes: Array<{ node: NodeName; name: string }> = [];
  for (const node of NODES) {
    const { Volumes } = await dockerOn(node).listVolumes({ filters: { label: [`pgswarm.stack=${stack}`] } });
    for (const volume of Volumes ?? []) volumes.push({ node, name: volume.Name });
  }
  return volumes;
}

/** Polls until `check` passes or time runs out, then rethrows its last failure. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 60_000, intervalMs = 1000): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await sleep(intervalMs);
    }
  }
}
