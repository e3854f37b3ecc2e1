/**
 * pgswarm: load and validate the stack config, then build the Stack. A bad
 * config stops here, before any resource is registered, with every problem listed.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, loadFromEngine, NAMESPACE, S3_KEY_CONFIG } from "./components/config";
import { Stack } from "./components/stack";
import { DEFAULT_DOCKER_HOST } from "./components/swarm";

const stackName = pulumi.getStack();
/** Which keys were set with --secret: Pulumi records it (runtime.isConfigSecret), though not in its typings. */
const isSecret = (key: string) =>
  (pulumi.runtime as { isConfigSecret?: (key: string) => boolean }).isConfigSecret?.(key) ?? false;

function loadConfig() {
  try {
    // The project's folder: a restore's source stack file, when it is there, is checked against this one.
    return loadFromEngine(pulumi.runtime.allConfig(), stackName, isSecret, __dirname);
  } catch (error) {
    // RunError ends the program with the message alone: a user's mistake gets no stack trace.
    if (error instanceof ConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
}

const config = loadConfig();
// Validated as present and secret above; read as secrets, they reach the swarm only as Docker secrets.
const pgswarmConfig = new pulumi.Config(NAMESPACE);
const s3Keys =
  config.backups.repository.type === "s3"
    ? { accessKey: pgswarmConfig.requireSecret(S3_KEY_CONFIG.accessKey), secretKey: pgswarmConfig.requireSecret(S3_KEY_CONFIG.secretKey) }
    : undefined;
const stack = new Stack(stackName, {
  stack: stackName,
  config,
  s3Keys,
  dockerHost: new pulumi.Config("docker").get("host") ?? process.env.DOCKER_HOST ?? DEFAULT_DOCKER_HOST,
  projectDir: __dirname,
});

export const topology = config.topology;
export const endpoints = stack.endpoints;
export const services = stack.serviceNames;
