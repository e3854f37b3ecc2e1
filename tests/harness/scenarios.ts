/**
 * The faults of the replicated topology's chaos tests and of the failover
 * bench, by name. Each returns a fresh Fault (they keep state between inject
 * and heal). `primaryChanges`: whether the primary must (true), must not
 * (false) or may (undefined) be another member afterwards.
 */
import type { Fault, ScenarioContext } from "./chaos";
import * as cluster from "./cluster";
import type { NodeName } from "./testbed";

export interface Scenario {
  description: string;
  fault: () => Fault;
  primaryChanges?: boolean;
  /** A planned operation (switchover), not a fault: commits must not fail beyond a short pause. */
  planned?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error("timed out waiting for the writer to resume");
    await sleep(100);
  }
}

async function aStandby(stack: string, dataMembers: string[], primary: string): Promise<cluster.Member> {
  const standby = (await cluster.members(stack, dataMembers)).find((member) => member.name !== primary);
  if (!standby) throw new Error("no standby to inject a fault into");
  return standby;
}

/**
 * A fault on a whole node: `breakNode` on the node `pick` chooses, `mendNode` on the same node after `holdMs`.
 * The fault's moment is taken right before it is injected (after any lookup).
 */
function nodeFault(
  pick: (context: ScenarioContext) => Promise<NodeName> | NodeName,
  breakNode: (node: NodeName) => Promise<void>,
  mendNode: (node: NodeName) => Promise<void>,
  holdMs: number,
): () => Fault {
  return () => {
    let node: NodeName;
    return {
      inject: async (context) => {
        node = await pick(context);
        const at = Date.now();
        await breakNode(node);
        return at;
      },
      holdMs,
      heal: () => mendNode(node),
    };
  };
}

export const SCENARIOS: Record<string, Scenario> = {
  "kill-primary": {
    description: "kill the primary's container",
    fault: () => ({ inject: ({ primary }) => cluster.killContainer(primary) }),
  },
  "engine-stop-primary": {
    // dockerd stops its containers on the way down (the primary then hands over), or, racing with
    // its own shutdown, leaves them running cut off from the swarm (the primary then fences itself
    // and a standby takes over): either way one primary at a time and no acknowledged write lost.
    description: "stop the primary node's Docker engine (SIGTERM, as an upgrade does), start it after 20 s",
    fault: nodeFault(({ primary }) => primary.node, cluster.stopEngine, cluster.startEngine, 20_000),
  },
  "cut-primary": {
    description: "cut the primary's node off the network, heal after 20 s",
    primaryChanges: true,
    fault: nodeFault(({ primary }) => primary.node, cluster.cutNode, cluster.healNode, 20_000),
  },
  "freeze-primary": {
    description: "SIGSTOP the primary's postmaster and children, SIGCONT after 15 s",
    fault: () => {
      let frozen: cluster.Member;
      return {
        inject: async ({ primary }) => {
          frozen = primary;
          const at = Date.now();
          await cluster.signalPostgres(primary, "STOP");
          return at;
        },
        holdMs: 15_000,
        heal: () => cluster.signalPostgres(frozen, "CONT"),
      };
    },
  },
  "restart-old-primary": {
    description: "cut the primary's node; once another member leads, kill the old primary's container; heal after 15 s (a new task starts from its data)",
    primaryChanges: true,
    fault: () => {
      let node: NodeName;
      return {
        inject: async ({ primary, writer }) => {
          node = primary.node;
          const at = Date.now();
          await cluster.cutNode(node);
          const since = Date.now();
          await until(() => writer.outageAfter(since) !== undefined);
          await cluster.killContainer(primary);
          return at;
        },
        holdMs: 15_000,
        heal: () => cluster.healNode(node),
      };
    },
  },
  "kill-standby": {
    description: "kill a standby's container",
    primaryChanges: false,
    fault: () => ({
      inject: async ({ primary, stack, dataMembers }) => {
        const standby = await aStandby(stack, dataMembers, primary.name);
        const at = Date.now();
        await cluster.killContainer(standby);
        return at;
      },
    }),
  },
  "cut-standby": {
    description: "cut a standby's node off the network, heal after 15 s",
    primaryChanges: false,
    fault: nodeFault(async ({ primary, stack, dataMembers }) => (await aStandby(stack, dataMembers, primary.name)).node, cluster.cutNode, cluster.healNode, 15_000),
  },
};

/** The unplanned faults, as the acceptance criteria list them. */
export const FAULTS = Object.keys(SCENARIOS);
