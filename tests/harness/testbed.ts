/** Where the testbed's nodes are (tests/harness/testbed.sh makes them). */
import Docker from "dockerode";

export const RUN_DIR = "/run/pgswarm-testbed";
export const NODES = ["pgm", "pgw1", "pgw2"] as const;
export type NodeName = (typeof NODES)[number];
export const MANAGER: NodeName = "pgm";
export const NODE_ADDRESS: Record<NodeName, string> = { pgm: "192.168.213.10", pgw1: "192.168.213.11", pgw2: "192.168.213.12" };

export const nodeSocket = (node: NodeName) => `${RUN_DIR}/${node}.sock`;
export const nodeHost = (node: NodeName) => `unix://${nodeSocket(node)}`;
export const dockerOn = (node: NodeName) => new Docker({ socketPath: nodeSocket(node) });

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
