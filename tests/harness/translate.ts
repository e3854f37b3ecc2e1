/**
 * pulumi-docker inputs → Docker Engine API specs, faithfully: durations become
 * nanoseconds, label lists become maps, env maps become K=V lists and networks
 * are referenced by id. Pure, so it is unit-tested on its own.
 */
import { parseDurationMs } from "../../components/config/units";

type Input = Record<string, any>;

export function nanoseconds(duration: string | undefined): number | undefined {
  if (duration === undefined || duration === "") return undefined;
  const ms = parseDurationMs(duration);
  // pulumi-docker would silently send 0 for a bad duration; the harness refuses it instead.
  if (ms === undefined) throw new Error(`not a duration: "${duration}"`);
  return Math.round(ms * 1e6);
}

export const labelMap = (labels: Array<{ label: string; value: string }> | undefined): Record<string, string> =>
  Object.fromEntries((labels ?? []).map(({ label, value }) => [label, value]));

export const envList = (env: Record<string, string> | undefined): string[] | undefined =>
  env ? Object.entries(env).map(([key, value]) => `${key}=${value}`) : undefined;

/** Drops undefined members so specs compare and print cleanly. */
function compact<T extends Input>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

const fileSpec = (item: Input) =>
  compact({ Name: item.fileName, UID: item.fileUid ?? "0", GID: item.fileGid ?? "0", Mode: item.fileMode ?? 0o444 });

function updateConfig(input: Input | undefined) {
  if (!input) return undefined;
  return compact({
    Parallelism: input.parallelism,
    Delay: nanoseconds(input.delay),
    FailureAction: input.failureAction,
    Monitor: nanoseconds(input.monitor),
    MaxFailureRatio: input.maxFailureRatio === undefined ? undefined : Number(input.maxFailureRatio),
    Order: input.order,
  });
}

function preferences(prefs: string[] | undefined) {
  return prefs?.map((pref) => {
    const [strategy, descriptor] = pref.split("=");
    if (strategy !== "spread") throw new Error(`unsupported placement preference "${pref}"`);
    return { Spread: { SpreadDescriptor: descriptor } };
  });
}

function resources(input: Input | undefined) {
  if (!input) return undefined;
  const amounts = (part: Input | undefined) => (part ? compact({ MemoryBytes: part.memoryBytes, NanoCPUs: part.nanoCpus }) : undefined);
  return compact({ Limits: amounts(input.limits), Reservations: amounts(input.reservation) });
}

export function serviceSpec(input: Input): Input {
  const task = input.taskSpec ?? {};
  const container = task.containerSpec ?? {};
  const health = container.healthcheck;
  return compact({
    Name: input.name,
    Labels: labelMap(input.labels),
    Mode: input.mode?.global ? { Global: {} } : { Replicated: { Replicas: input.mode?.replicated?.replicas ?? 1 } },
    EndpointSpec: input.endpointSpec
      ? compact({
          Mode: input.endpointSpec.mode ?? "vip",
          Ports: input.endpointSpec.ports?.map((port: Input) =>
            compact({ Name: port.name, Protocol: port.protocol ?? "tcp", TargetPort: port.targetPort, PublishedPort: port.publishedPort, PublishMode: port.publishMode ?? "ingress" }),
          ),
        })
      : undefined,
    UpdateConfig: updateConfig(input.updateConfig),
    RollbackConfig: updateConfig(input.rollbackConfig),
    TaskTemplate: compact({
      ContainerSpec: compact({
        Image: container.image,
        Hostname: container.hostname,
        Init: container.init,
        Command: container.commands,
        Args: container.args,
        Env: envList(container.env),
        User: container.user,
        Dir: container.dir,
        Labels: container.labels ? labelMap(container.labels) : undefined,
        Mounts: container.mounts?.map((mount: Input) =>
          compact({
            Type: mount.type,
            Source: mount.source,
            Target: mount.target,
            ReadOnly: mount.readOnly,
            VolumeOptions: mount.volumeOptions
              ? compact({
                  NoCopy: mount.volumeOptions.noCopy,
                  Labels: labelMap(mount.volumeOptions.labels),
                  DriverConfig: mount.volumeOptions.driverName
                    ? { Name: mount.volumeOptions.driverName, Options: mount.volumeOptions.driverOptions ?? {} }
                    : undefined,
                })
              : undefined,
          }),
        ),
        Configs: container.configs?.map((config: Input) => ({ ConfigID: config.configId, ConfigName: config.configName, File: fileSpec(config) })),
        Secrets: container.secrets?.map((secret: Input) => ({ SecretID: secret.secretId, SecretName: secret.secretName, File: fileSpec(secret) })),
        Healthcheck: health
          ? compact({
              Test: health.tests,
              Interval: nanoseconds(health.interval),
              Timeout: nanoseconds(health.timeout),
              Retries: health.retries,
              StartPeriod: nanoseconds(health.startPeriod),
            })
          : undefined,
        StopSignal: container.stopSignal,
        StopGracePeriod: nanoseconds(container.stopGracePeriod),
      }),
      Placement: task.placement
        ? compact({ Constraints: task.placement.constraints, Preferences: preferences(task.placement.prefs), MaxReplicas: task.placement.maxReplicas })
        : undefined,
      Resources: resources(task.resources),
      RestartPolicy: task.restartPolicy
        ? compact({
            Condition: task.restartPolicy.condition,
            Delay: nanoseconds(task.restartPolicy.delay),
            MaxAttempts: task.restartPolicy.maxAttempts,
            Window: nanoseconds(task.restartPolicy.window),
          })
        : undefined,
      Networks: task.networksAdvanceds?.map((network: Input) => compact({ Target: network.id, Aliases: network.aliases, DriverOpts: network.driverOpts })),
      ForceUpdate: task.forceUpdate,
    }),
  });
}

export function networkSpec(input: Input): Input {
  return compact({
    Name: input.name,
    Driver: input.driver ?? "bridge",
    Attachable: input.attachable ?? false,
    Internal: input.internal ?? false,
    Options: input.options ?? {},
    Labels: labelMap(input.labels),
    IPAM: input.ipamConfigs?.length
      ? { Driver: input.ipamDriver ?? "default", Config: input.ipamConfigs.map((config: Input) => compact({ Subnet: config.subnet, Gateway: config.gateway, IPRange: config.ipRange })) }
      : undefined,
  });
}

/** Secrets and configs: pulumi-docker takes `data` already base64-encoded, as the Engine API does. */
export function secretOrConfigSpec(name: string, input: Input): Input {
  return { Name: name, Data: input.data, Labels: labelMap(input.labels) };
}

/**
 * convergeConfig as terraform-provider-docker applies it: wait `delay` (7s by
 * default) before the first check after a create, a fixed 7s after an update,
 * and give up after `timeout` (3m by default).
 */
export function convergeSettings(input: Input, phase: "create" | "update"): { delayMs: number; timeoutMs: number } {
  const ms = (duration: string | undefined, fallback: string) => nanoseconds(duration || fallback)! / 1e6;
  return { delayMs: phase === "create" ? ms(input.delay, "7s") : 7000, timeoutMs: ms(input.timeout, "3m") };
}

/** The stop grace period the provider waits for a removed service's containers (0 when unset). */
export const stopGracePeriodMs = (service: Input): number => (nanoseconds(service.taskSpec?.containerSpec?.stopGracePeriod) ?? 0) / 1e6;
