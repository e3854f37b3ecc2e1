/**
 * What a plan shows of each resource: the facts an operator reviews before
 * `pulumi up` (names, images, replicas, placement, networks, mounts, secrets by
 * name, endpoints). Never a secret value: inputs arrive redacted.
 */
import type { RegisteredResource } from "./mockRun";
import { recordOnly } from "./recorder";

export interface PlannedResource {
  type: string;
  name: string;
  dockerName?: string;
  [key: string]: unknown;
}

const SHORT_TYPES: Record<string, string> = {
  "docker:index/service:Service": "service",
  "docker:index/network:Network": "network",
  "docker:index/secret:Secret": "secret",
  "docker:index/serviceConfig:ServiceConfig": "config",
  "docker:index/image:Image": "image",
  "random:index/randomPassword:RandomPassword": "password",
  "pulumi-nodejs:dynamic/pgswarm:NodeLabels": "node-labels",
};

export async function planView(resources: RegisteredResource[]): Promise<PlannedResource[]> {
  // Map mock ids back to the Docker names they stand for, so references read as names.
  const nameById = new Map<string, string>();
  for (const resource of resources) {
    const { id, state } = await recordOnly(resource);
    nameById.set(id, state.name ?? resource.name);
  }
  const named = (id: string) => nameById.get(id) ?? id;

  return resources
    .filter((resource) => resource.custom)
    .map((resource) => {
      const input = resource.redacted;
      const base: PlannedResource = { type: SHORT_TYPES[resource.type] ?? resource.type, name: resource.name };
      switch (base.type) {
        case "service": {
          const task = input.taskSpec ?? {};
          const container = task.containerSpec ?? {};
          return {
            ...base,
            dockerName: input.name,
            image: container.image,
            replicas: input.mode?.replicated?.replicas,
            endpointMode: input.endpointSpec?.mode,
            published: (input.endpointSpec?.ports ?? []).map(
              (port: any) => `${port.publishedPort}->${port.targetPort}/${port.protocol} (${port.publishMode})`,
            ),
            placement: task.placement?.constraints ?? [],
            networks: (task.networksAdvanceds ?? []).map((network: any) => ({
              network: named(network.id),
              aliases: network.aliases ?? [],
            })),
            mounts: (container.mounts ?? []).map((mount: any) => `${mount.type}:${mount.source}:${mount.target}`),
            secrets: (container.secrets ?? []).map((secret: any) => `${named(secret.secretId)} -> ${secret.fileName}`),
            configs: (container.configs ?? []).map((config: any) => `${named(config.configId)} -> ${config.fileName}`),
            env: container.env ?? {},
            update: input.updateConfig?.order,
          };
        }
        case "network":
          return { ...base, dockerName: input.name, driver: input.driver, encrypted: input.options?.encrypted === "true", subnet: input.ipamConfigs?.[0]?.subnet };
        case "secret":
        case "config":
          return { ...base, dockerName: named(`${resource.name}-id`) };
        case "image":
          return { ...base, dockerName: input.imageName, context: input.build?.context };
        case "node-labels":
          return { ...base, node: input.node, labels: input.labels };
        default:
          return base;
      }
    });
}
