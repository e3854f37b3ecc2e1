/**
 * The read-split bench's own services on the stack's DB network: one client
 * container (the postgres image: pgbench, psql) holding the application's and
 * the reader's password files, and the control routers. All are removed again
 * by removeBenchServices.
 */
import { ENDPOINTS, secretFile } from "../../components/contract";
import { networkName, serviceName } from "../../components/names";
import { runningTasks, type RunningTask } from "../../tests/harness/swarm";
import { managerApi, MANAGER } from "../../tests/harness/testbed";
import { CONTROL_PORTS, renderControlCfg } from "./controlRouter";
import type { RouterNodes } from "./pgbench";

export const CLIENT_SERVICE = "pgswarm-bench-client";
export const CONTROL_SERVICE = "pgswarm-bench-control";
export { CONTROL_PORTS };
/** Where the client keeps a libpq password file built from the mounted secrets. */
export const CLIENT_PGPASS = "/tmp/pgswarm-bench.pgpass";

const CONTROL_CONFIG_PATH = "/etc/pgswarm-bench/haproxy.cfg";
const LABELS = { "pgswarm.bench": "read-split" };
const LABEL_FILTER = Object.entries(LABELS).map(([key, value]) => `${key}=${value}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function specOf(service: string): Promise<any> {
  return (await (await managerApi()).getService(service).inspect()).Spec;
}

async function waitRunning(service: string, replicas: number, timeoutMs = 120_000): Promise<RunningTask[]> {
  const started = Date.now();
  for (;;) {
    const tasks = await runningTasks(service);
    if (tasks.length === replicas) return tasks;
    if (Date.now() - started > timeoutMs) throw new Error(`${service}: ${tasks.length}/${replicas} tasks running after ${timeoutMs / 1000} s`);
    await sleep(1000);
  }
}

/**
 * The client: sleeps, so the bench can exec pgbench in it; on the manager's node.
 * It mounts the login secrets it is given from whichever of the stack's services
 * holds them (the members hold none: the backup repository's login keeper holds
 * every slot's, a split app the active ones).
 */
export async function startClient(stack: string, credentials: string[]): Promise<RunningTask> {
  const docker = await managerApi();
  const member = await specOf(serviceName(stack, "pgnode1"));
  const wanted = new Set(credentials.map(secretFile));
  const found = new Map<string, any>();
  const services: any[] = await docker.listServices({ filters: { name: [`${stack}_`] } });
  for (const service of services) {
    for (const secret of (service.Spec.TaskTemplate.ContainerSpec.Secrets ?? []) as any[]) {
      if (wanted.has(secret.File.Name)) found.set(secret.File.Name, secret);
    }
  }
  const missing = [...wanted].filter((file) => !found.has(file));
  if (missing.length > 0) throw new Error(`${stack}: no service of the stack mounts ${missing.join(", ")}`);
  const secrets = [...found.values()];
  await docker.createService({
    Name: CLIENT_SERVICE,
    Labels: LABELS,
    TaskTemplate: {
      ContainerSpec: {
        Image: member.TaskTemplate.ContainerSpec.Image,
        Command: ["sleep", "infinity"],
        User: "root",
        Secrets: secrets.map((secret) => ({ ...secret, File: { ...secret.File, UID: "0", GID: "0", Mode: 0o400 } })),
      },
      Placement: { Constraints: [`node.hostname == ${MANAGER}`] },
      Networks: [{ Target: networkName(stack, "db") }],
      RestartPolicy: { Condition: "none" },
    },
    Mode: { Replicated: { Replicas: 1 } },
    EndpointSpec: { Mode: "dnsrr" },
  });
  const [client] = await waitRunning(CLIENT_SERVICE, 1);
  return client;
}

type RouterMode = keyof RouterNodes;
const ROUTER_MODES: RouterMode[] = ["rw", "ro"];

/**
 * The control routers: for each of db-rw and db-ro, one control task on each node where that router runs a
 * task. Where a hop runs decides much of its cost on the testbed (a hop between nodes crosses the overlay),
 * so each router task is compared with the control on its own node (the bench reaches both by address).
 */
export async function startControls(stack: string, primary: string, standbys: string[]): Promise<Record<RouterMode, RunningTask[]>> {
  const docker = await managerApi();
  const configName = `${CONTROL_SERVICE}-${Date.now()}`;
  const config = await docker.createConfig({
    Name: configName,
    Labels: LABELS,
    Data: Buffer.from(renderControlCfg(primary, standbys)).toString("base64"),
  });
  const started: Partial<Record<RouterMode, RunningTask[]>> = {};
  for (const mode of ROUTER_MODES) {
    const routerService = serviceName(stack, ENDPOINTS[mode]);
    const router = await specOf(routerService);
    const nodes = (await runningTasks(routerService)).map((task) => task.node);
    if (nodes.length === 0) throw new Error(`${routerService} runs no task: nothing to place its control beside`);
    const names = nodes.map((node, index) => `${CONTROL_SERVICE}-${mode}-${index + 1}`);
    for (const [index, node] of nodes.entries()) {
      await docker.createService({
        Name: names[index],
        Labels: LABELS,
        TaskTemplate: {
          ContainerSpec: {
            Image: router.TaskTemplate.ContainerSpec.Image,
            Command: ["haproxy", "-W", "-db", "-f", CONTROL_CONFIG_PATH],
            Configs: [{ ConfigID: (config as any).id, ConfigName: configName, File: { Name: CONTROL_CONFIG_PATH, UID: "0", GID: "0", Mode: 0o444 } }],
          },
          Placement: { Constraints: [`node.hostname == ${node}`] },
          Networks: [{ Target: networkName(stack, "db") }],
        },
        Mode: { Replicated: { Replicas: 1 } },
        EndpointSpec: { Mode: "dnsrr" },
      });
    }
    started[mode] = (await Promise.all(names.map((name) => waitRunning(name, 1)))).flat();
  }
  return started as Record<RouterMode, RunningTask[]>;
}

/** A task's address on a network (an overlay attachment's first address, without its prefix length). */
export async function taskAddress(taskId: string, network: string): Promise<string> {
  const task: any = await (await managerApi()).getTask(taskId).inspect();
  const attachment = (task.NetworksAttachments ?? []).find((candidate: any) => candidate.Network?.Spec?.Name === network);
  const address = String(attachment?.Addresses?.[0] ?? "").split("/")[0];
  if (!address) throw new Error(`task ${taskId} has no address on ${network}`);
  return address;
}

export async function removeBenchServices(): Promise<void> {
  const docker = await managerApi();
  const services: any[] = await docker.listServices({ filters: { label: LABEL_FILTER } });
  for (const service of services) {
    await docker
      .getService(service.ID)
      .remove()
      .catch(() => undefined);
  }
  // A config in use cannot go until its tasks are gone.
  for (let attempt = 0; attempt < 30; attempt++) {
    const configs = await docker.listConfigs({ filters: { label: LABEL_FILTER } });
    if (configs.length === 0) return;
    for (const config of configs) await docker.getConfig(config.ID).remove().catch(() => undefined);
    await sleep(1000);
  }
}

/** A libpq password file in the client, from the mounted secrets: one line per role. */
export function pgpassScript(roles: Array<{ user: string; credential: string }>): string {
  const lines = roles.map(({ user, credential }) => `printf '*:*:*:%s:%s\\n' '${user}' "$(cat ${secretFile(credential)})"`);
  return `umask 077; { ${lines.join("; ")}; } > ${CLIENT_PGPASS}`;
}
