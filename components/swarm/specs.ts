/**
 * Small builders for pieces of pulumi-docker service specs that every
 * component needs the same way. Pure: no resources are created here.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { parseSizeBytes, type Resources } from "../config";
import { CONFIG_DIR, labelList, ownerLabels, SECRETS_DIR } from "../names";
import type { SecretFile } from "./credentials";

export function resourceLimits(resources: Resources): docker.types.input.ServiceTaskSpecResources | undefined {
  const limits: { memoryBytes?: number; nanoCpus?: number } = {};
  if (resources.memory) limits.memoryBytes = parseSizeBytes(resources.memory);
  if (resources.cpus) limits.nanoCpus = Math.round(resources.cpus * 1e9);
  if (Object.keys(limits).length === 0) return undefined;
  // Reserve what is limited so the scheduler never overcommits a DB node.
  return { limits, reservation: { ...limits } };
}

/** A secret mounted read-only for one user (libpq ignores a password file others can read). */
export function secretMount(file: SecretFile, uid: number): docker.types.input.ServiceTaskSpecContainerSpecSecret {
  return {
    secretId: file.secret.id,
    secretName: file.secret.name,
    fileName: `${SECRETS_DIR}/${file.fileName}`,
    fileUid: String(uid),
    fileGid: String(uid),
    fileMode: 0o400,
  };
}

export interface ConfigFile {
  config: docker.ServiceConfig;
  fileName: string;
}

/** A rendered configuration file as an auto-named Docker config (immutable; a change creates a new one). */
export function configFile(
  resourceName: string,
  stack: string,
  fileName: string,
  text: pulumi.Input<string>,
  parent: pulumi.Resource,
): ConfigFile {
  const config = new docker.ServiceConfig(
    resourceName,
    {
      data: pulumi.output(text).apply((content) => Buffer.from(content, "utf8").toString("base64")),
      labels: labelList(ownerLabels(stack, "config")),
    },
    { parent },
  );
  return { config, fileName };
}

export function configMount(file: ConfigFile, uid: number): docker.types.input.ServiceTaskSpecContainerSpecConfig {
  return {
    configId: file.config.id,
    configName: file.config.name,
    fileName: `${CONFIG_DIR}/${file.fileName}`,
    fileUid: String(uid),
    fileGid: String(uid),
    fileMode: 0o444,
  };
}

