/**
 * `npm run status -- <stack> [--json] [--watch [seconds]] [--docker-host URL]`:
 * the live cluster through the Docker Engine API of a manager — each member's
 * node, role, term, timeline, WAL position, replication state and lag (as its
 * agent answers inside the cluster, through a one-shot ctl service), which
 * members every router task admits right now, and Swarm's tasks and restarts;
 * then one WARNING line per degraded thing. Exit code 0 when all is well, 3
 * when there are warnings.
 */
import type Docker from "dockerode";
import { runCli, stackArgument, watchIntervalMs } from "./lib/cli";
import { dockerFor, dockerHostFor, followCtl, lastJson, removeCtlServicesOnSignals, retryWhileSwarmElects, runCtl } from "./lib/ctlService";
import { Freshest } from "./lib/freshest";
import { renderStatus, statusWarnings, type ServiceTasks, type StatusSnapshot } from "./lib/statusView";

async function serviceTasks(docker: Docker, stack: string): Promise<ServiceTasks[]> {
  const [services, nodes] = await retryWhileSwarmElects(() => Promise.all([docker.listServices({ filters: { label: [`pgswarm.stack=${stack}`] } }), docker.listNodes()]));
  const hostname = new Map(nodes.map((node: any) => [node.ID, node.Description?.Hostname ?? node.ID]));
  const rows = await Promise.all(
    services.map(async (service: any) => {
      const tasks: any[] = await retryWhileSwarmElects(() => docker.listTasks({ filters: { service: [service.ID] } }));
      const running = tasks.filter((task) => task.Status?.State === "running");
      const failed = tasks
        .filter((task) => task.Status?.State !== "running" && task.Status?.Err)
        .sort((a, b) => String(b.Status.Timestamp).localeCompare(String(a.Status.Timestamp)));
      return {
        service: service.Spec.Name as string,
        part: (service.Spec.Name as string).slice(stack.length + 1),
        running: running.map((task) => ({ node: hostname.get(task.NodeID) ?? task.NodeID, since: task.Status.Timestamp })),
        restarts: Math.max(0, tasks.length - tasks.filter((task) => task.DesiredState === "running").length),
        lastError: failed[0]?.Status?.Err,
      };
    }),
  );
  return rows.sort((a, b) => a.service.localeCompare(b.service));
}

async function snapshot(docker: Docker, stack: string): Promise<StatusSnapshot> {
  const [ctl, services] = await Promise.all([runCtl(docker, stack, ["status"], 60_000), serviceTasks(docker, stack)]);
  const answer = lastJson(ctl.output);
  if (!answer?.members) throw new Error(`no answer from the cluster's agents:\n${ctl.output}`);
  return { ...answer, services };
}

/** A watching ctl ends by itself after this long and the watch starts another: one killed with its watcher goes soon. */
const CTL_LIFETIME_S = 600;
const USAGE = "npm run status -- <stack> [--json] [--watch [seconds]] [--docker-host URL]";

function show(current: StatusSnapshot, json: boolean, watching: boolean): number {
  const warnings = statusWarnings(current);
  if (json) process.stdout.write(`${JSON.stringify({ ...current, warnings })}\n`);
  else process.stdout.write(`${watching ? "\x1b[2J\x1b[H" : ""}${renderStatus(current)}`);
  return warnings.length ? 3 : 0;
}

/** How long a watch waits for Swarm's first task list before it shows the agents' answer without one. */
export const SERVICES_FIRST_WAIT_MS = 1000;
/** Once a list is known, how long a document waits for a newer one: Swarm's managers must not delay a new primary's line. */
export const SERVICES_FRESH_WAIT_MS = 100;

/**
 * --watch: one ctl stays in the cluster and prints the agents' answers every
 * interval; each is shown with Swarm's tasks as it arrives, so the view trails
 * the cluster by at most an interval (a fresh ctl per refresh would add a task
 * start each time). If the ctl's task ends (its node was lost), another starts.
 */
async function watch(docker: Docker, stack: string, everyMs: number, json: boolean): Promise<never> {
  // Swarm's task list waits while its managers elect a leader (a manager's node was lost): the agents'
  // answer, which names the new primary, is shown at once with the last list; the list catches up in the background.
  const services = new Freshest(
    () => serviceTasks(docker, stack),
    (error) => void process.stderr.write(`${error.message}\n`),
    SERVICES_FRESH_WAIT_MS,
    SERVICES_FIRST_WAIT_MS,
  );
  for (;;) {
    let follower: Awaited<ReturnType<typeof followCtl>> | undefined;
    let busy = false;
    let next: StatusSnapshot | undefined;
    const render = async () => {
      while (next) {
        const answer = next;
        next = undefined;
        show({ ...answer, services: (await services.current()) ?? [] }, json, true);
      }
      busy = false;
    };
    try {
      follower = await followCtl(docker, stack, ["status", "--every", String(everyMs), "--for", String(CTL_LIFETIME_S)], (line) => {
        const answer = lastJson(line);
        if (!answer?.members) return;
        next = answer; // only the newest answer is shown when Swarm's task list is slow to come
        if (!busy) {
          busy = true;
          void render().catch((error) => {
            busy = false;
            process.stderr.write(`${(error as Error).message}\n`);
          });
        }
      });
      await follower.ended;
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
    }
    await follower?.stop();
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

runCli(async () => {
  const argv = process.argv.slice(2);
  const stack = stackArgument(argv, USAGE);
  const docker = dockerFor(dockerHostFor(stack, argv));
  removeCtlServicesOnSignals();
  const json = argv.includes("--json");
  const everyMs = watchIntervalMs(argv, USAGE);
  if (everyMs) return watch(docker, stack, everyMs, json);
  return show(await snapshot(docker, stack), json, false);
});
