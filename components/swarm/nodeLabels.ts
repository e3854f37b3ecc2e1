/**
 * Node labels as a resource. pulumi-docker has no node resource, so a dynamic
 * provider reads the node through the Engine API and updates it with its
 * version, retrying when another writer got there first.
 *
 * It serializes for the real engine: no client is captured; the Docker host
 * and the node arrive as inputs and dockerode is required inside each call.
 */
import * as pulumi from "@pulumi/pulumi";
import { dockerConnection } from "./dockerHost";
import { mergeOwnedLabels } from "./labelMerge";

export interface NodeLabelsInputs {
  /** DOCKER_HOST-style address of a manager. */
  dockerHost: string;
  /** Hostname or ID as `docker node ls` shows it, or `self` for the node dockerHost points at. */
  node: string;
  /** The labels pgswarm owns on this node. */
  labels: Record<string, string>;
}

export interface NodeLabelsOutputs extends NodeLabelsInputs {
  nodeId: string;
}

/** Finds the node, sets the owned labels and returns the node ID. Exported for the test applier. */
export async function applyNodeLabels(
  dockerHost: string,
  nodeRef: string,
  previouslyOwned: Record<string, string>,
  desired: Record<string, string>,
): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Docker = require("dockerode");
  const docker = new Docker(dockerConnection(dockerHost));
  let nodeId = nodeRef;
  if (nodeRef === "self") {
    nodeId = (await docker.info()).Swarm?.NodeID;
    if (!nodeId) throw new Error(`the Docker host ${dockerHost} is not part of a swarm`);
  } else {
    const nodes: Array<{ ID: string; Description?: { Hostname?: string } }> = await docker.listNodes();
    const found = nodes.find((node) => node.ID === nodeRef || node.Description?.Hostname === nodeRef);
    if (!found) {
      const known = nodes.map((node) => node.Description?.Hostname ?? node.ID).join(", ");
      throw new Error(`Swarm node "${nodeRef}" not found; the swarm has: ${known}`);
    }
    nodeId = found.ID;
  }
  const maxAttempts = 8;
  for (let attempt = 1; ; attempt++) {
    const node = await docker.getNode(nodeId).inspect();
    const labels = mergeOwnedLabels(node.Spec.Labels ?? {}, previouslyOwned, desired);
    try {
      await docker.getNode(nodeId).update({ ...node.Spec, Labels: labels, version: node.Version.Index });
      return nodeId;
    } catch (error) {
      const conflict = /out of sequence/i.test(String((error as Error).message));
      if (!conflict || attempt >= maxAttempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
}

export const nodeLabelsProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: NodeLabelsInputs) {
    const nodeId = await applyNodeLabels(inputs.dockerHost, inputs.node, {}, inputs.labels);
    return { id: nodeId, outs: { ...inputs, nodeId } };
  },
  async diff(_id: string, olds: NodeLabelsOutputs, news: NodeLabelsInputs) {
    const replaces = ["dockerHost", "node"].filter((key) => olds[key as "node"] !== news[key as "node"]);
    const labelsChanged = JSON.stringify(olds.labels ?? {}) !== JSON.stringify(news.labels ?? {});
    return {
      changes: replaces.length > 0 || labelsChanged,
      replaces,
      // Both sides may be the same machine (self → its hostname): remove first, then set.
      deleteBeforeReplace: true,
    };
  },
  async update(_id: string, olds: NodeLabelsOutputs, news: NodeLabelsInputs) {
    const nodeId = await applyNodeLabels(news.dockerHost, olds.nodeId, olds.labels ?? {}, news.labels);
    return { outs: { ...news, nodeId } };
  },
  async delete(_id: string, props: NodeLabelsOutputs) {
    try {
      await applyNodeLabels(props.dockerHost, props.nodeId, props.labels ?? {}, {});
    } catch (error) {
      // A node that left the swarm carries no labels any more: nothing to remove.
      if (!/not found/i.test((error as Error).message)) throw error;
    }
  },
};

export const NODE_LABELS_TYPE = "pulumi-nodejs:dynamic/pgswarm:NodeLabels";

export class NodeLabels extends pulumi.dynamic.Resource {
  declare readonly nodeId: pulumi.Output<string>;
  declare readonly labels: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: { [K in keyof NodeLabelsInputs]: pulumi.Input<NodeLabelsInputs[K]> }, opts?: pulumi.CustomResourceOptions) {
    super(nodeLabelsProvider, name, { ...args, nodeId: undefined }, opts, "pgswarm", "NodeLabels");
  }
}
