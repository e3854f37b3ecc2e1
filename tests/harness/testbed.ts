/** Where the testbed's nodes are (tests/harness/testbed.sh makes them). */
import Docker from "dockerode";

import layout from "./testbed.json";

/** Node names, addresses and paths come from testbed.json, which tests/harness/testbed.sh reads as well. */
export const RUN_DIR = layout.runDir;
/**
 * pgm is the swarm's manager and carries no data member (apps, routers, a witness may run
 * there); the data members live on the workers pgw1..pgw3, as production swarms keep managers off the
 * database nodes; pgw4, a drained worker, is the spare a slot moves to.
 */
export type NodeName = keyof typeof layout.nodes;
export const NODES = Object.keys(layout.nodes) as NodeName[];
export const MANAGER = layout.manager as NodeName;
export const MANAGERS = layout.managers as readonly NodeName[];
/** The workers the replicated stacks place their data members on, in slot order. */
export const DATA_NODES = layout.dataNodes as readonly NodeName[];
export const SPARE_NODE = layout.spare as NodeName;
export const NODE_ADDRESS: Record<NodeName, string> = layout.nodes;

export const nodeSocket = (node: NodeName) => `${RUN_DIR}/${node}.sock`;
export const nodeHost = (node: NodeName) => `unix://${nodeSocket(node)}`;
export const dockerOn = (node: NodeName) => new Docker({ socketPath: nodeSocket(node) });

let lastManager: { node: NodeName; at: number } | undefined;

/**
 * A manager that can answer for the swarm right now. The testbed has one, which no
 * fault touches; a swarm of several (MANAGERS) is asked in turn, since a cut-off
 * manager has no quorum and its API refuses.
 */
export async function managerApi(): Promise<Docker> {
  if (lastManager && Date.now() - lastManager.at < 2000) return dockerOn(lastManager.node);
  const order = [MANAGER, ...MANAGERS.filter((node) => node !== MANAGER)];
  let lastError: unknown;
  for (const node of order) {
    try {
      const docker = dockerOn(node);
      await Promise.race([docker.listNodes(), new Promise((_, reject) => setTimeout(() => reject(new Error(`${node}: no answer`)), 3000))]);
      lastManager = { node, at: Date.now() };
      return docker;
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(`no manager of the testbed swarm answers: ${(lastError as Error).message}`);
}

/** Fails loudly when the testbed is not there: e2e tests never skip. */
export async function requireTestbed(): Promise<void> {
  for (const node of NODES) {
    try {
      const info = await dockerOn(node).info();
      if (info.Swarm?.LocalNodeState !== "active") throw new Error(`${node} is not in a swarm`);
    } catch (error) {
      throw new Error(`the e2e testbed is not running (${node}: ${(error as Error).message}); start it with: npm run testbed:up`);
    }
  }
}

/** Tags an image under another name on every node (a "new" image for a rolling update, without a registry). */
export async function tagImageEverywhere(image: string, tag: string): Promise<void> {
  const [repo, version] = tag.split(":");
  await Promise.all(NODES.map((node) => dockerOn(node).getImage(image).tag({ repo, tag: version })));
}

/**
 * Waits until every node is ready and the managers agree on a leader for a few
 * seconds: after a node was cut off or its engine restarted, Swarm's own raft
 * elects again and refuses changes ("node lost leader status") meanwhile.
 */
export async function waitSwarmSettled(timeoutMs = 120_000): Promise<void> {
  const started = Date.now();
  let stableSince: number | undefined;
  let last = "";
  while (Date.now() - started < timeoutMs) {
    try {
      const nodes: any[] = await (await managerApi()).listNodes();
      const ready = nodes.every((node) => node.Status?.State === "ready");
      const leaders = nodes.filter((node) => node.ManagerStatus?.Leader).map((node) => node.Description?.Hostname);
      last = `${nodes.map((node) => `${node.Description?.Hostname}:${node.Status?.State}`).join(", ")}; leader ${leaders.join(",") || "none"}`;
      if (ready && leaders.length === 1) {
        stableSince ??= Date.now();
        if (Date.now() - stableSince >= 3000) return;
      } else {
        stableSince = undefined;
      }
    } catch (error) {
      stableSince = undefined;
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the testbed swarm did not settle: ${last}`);
}

/**
 * The spare node takes tasks (active) or none (drained, as the testbed starts it): only the test
 * that moves a slot there opens it, so every other test runs on the three nodes alone.
 */
export async function setSpareAvailability(availability: "active" | "drain"): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const docker = await managerApi();
    const nodes: any[] = await docker.listNodes();
    const spare = nodes.find((node) => node.Description?.Hostname === SPARE_NODE);
    if (!spare) throw new Error(`the testbed has no ${SPARE_NODE}`);
    if (spare.Spec.Availability === availability) return;
    try {
      await docker.getNode(spare.ID).update({ ...spare.Spec, Availability: availability, version: spare.Version.Index });
      return;
    } catch (error) {
      if (attempt >= 5 || !/out of sequence|leader/i.test(String((error as Error).message))) throw error;
    }
  }
}
