/**
 * What a plan shows of each resource: the facts an operator reviews before
 * `pulumi up` (names, images, replicas, placement, networks, mounts, secrets by
 * name, endpoints). Never a secret value: inputs arrive redacted.
 */
import { createHash } from "crypto";
import { INITIAL_PRIMARY_LABEL, MEMBER_LABEL, ROLE_LABEL } from "../../components/names";
import type { RegisteredResource } from "./mockRun";
import { AUTO_NAMED_TYPES, recordOnly } from "./recorder";

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
  "tls:index/privateKey:PrivateKey": "tls-key",
  "tls:index/certRequest:CertRequest": "tls-request",
  "tls:index/selfSignedCert:SelfSignedCert": "tls-ca",
  "tls:index/locallySignedCert:LocallySignedCert": "tls-cert",
  "pulumi-nodejs:dynamic/pgswarm:NodeLabels": "node-labels",
};

/**
 * How a reference (an id) reads in a plan: a network by its Docker name, an
 * auto-named secret or config by its logical name (its Docker name is the
 * provider's random suffix, which would differ between a plan and the real state).
 */
export function referenceName(type: string, logicalName: string, dockerName: string | undefined): string {
  return AUTO_NAMED_TYPES.has(type) ? logicalName : (dockerName ?? logicalName);
}

/** The mock ids of a recorded run, mapped to the names references should read as. */
export async function recordedReferenceNames(resources: RegisteredResource[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const resource of resources) {
    const { id, state } = await recordOnly(resource);
    names.set(id, referenceName(resource.type, resource.name, state.name));
  }
  return names;
}

const labelsOf = (labels: Array<{ label: string; value: string }> | undefined) =>
  Object.fromEntries((labels ?? []).map(({ label, value }) => [label, value]));

/** A short digest of a non-secret content, so a plan shows that a config file changed without printing it. */
const digest = (text: unknown) => (typeof text === "string" ? createHash("sha256").update(text).digest("hex").slice(0, 12) : undefined);

export async function planView(resources: RegisteredResource[], referenceNames?: Map<string, string>): Promise<PlannedResource[]> {
  const nameById = referenceNames ?? (await recordedReferenceNames(resources));
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
          const labels = labelsOf(input.labels);
          return {
            ...base,
            dockerName: input.name,
            role: labels[ROLE_LABEL],
            member: labels[MEMBER_LABEL],
            initialPrimary: labels[INITIAL_PRIMARY_LABEL] === "true",
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
          return base;
        case "config":
          return { ...base, contentDigest: digest(input.data) };
        case "image":
          return { ...base, dockerName: input.imageName, context: input.build?.context };
        case "node-labels":
          return { ...base, node: input.node, labels: input.labels };
        default:
          return base;
      }
    });
}
