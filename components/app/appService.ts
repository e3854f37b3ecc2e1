/**
 * An application service: rolling start-first updates with automatic rollback,
 * its published ports, and the database endpoints and credential files it asked for.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceConfig } from "../config";
import { labelList, ownerLabels, serviceName } from "../names";
import type { DbEndpoints } from "../postgres/cluster";
import { resourceLimits, secretMount, type LoginCredential, type SecretFile } from "../swarm";
import { databaseEnv, DB_LOGINS, loginsFor } from "./dbEnv";

export interface AppServiceArgs {
  stack: string;
  name: string;
  service: ServiceConfig;
  image: pulumi.Input<string>;
  appNetworkId: pulumi.Input<string>;
  dbNetworkId: pulumi.Input<string>;
  endpoints: DbEndpoints;
  /** The login credentials' password files; a service mounts those of its access mode only. */
  passwords: Record<LoginCredential, SecretFile>;
  /** The stack's pgpass files, by name (dbEnv's DB_LOGINS). */
  pgpass: Record<string, SecretFile>;
}

/** The credential files a service mounts: the passwords of the roles it logs in as, and the pgpass file with their lines. */
export function dbSecretFiles(
  access: ServiceConfig["database"],
  passwords: Record<LoginCredential, SecretFile>,
  pgpass: Record<string, SecretFile>,
): SecretFile[] {
  if (access === "none") return [];
  const file = pgpass[DB_LOGINS[access].pgpass];
  if (!file) throw new Error(`no pgpass file ${DB_LOGINS[access].pgpass} for database: ${access}`);
  return [...loginsFor(access).map((login) => passwords[login]), file];
}

/** VIP mode is needed only for ingress-published ports; dnsrr avoids IPVS dropping idle DB sessions. */
export function endpointModeFor(service: ServiceConfig): "vip" | "dnsrr" {
  return service.publish.some((published) => published.mode === "ingress") ? "vip" : "dnsrr";
}

/**
 * Start-first keeps an app serving through an update, but a host-mode port can be bound by one task
 * per node only: the new task would wait for the port forever. Those services update stop-first.
 */
export function updateOrderFor(service: Pick<ServiceConfig, "publish">): "start-first" | "stop-first" {
  return service.publish.some((published) => published.mode === "host") ? "stop-first" : "start-first";
}

export class AppService extends pulumi.ComponentResource {
  readonly service: docker.Service;
  readonly serviceName: string;

  constructor(resourceName: string, args: AppServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pgswarm:app:Service", resourceName, {}, opts);
    const { stack, service } = args;
    this.serviceName = serviceName(stack, args.name);
    const usesDb = service.database !== "none";
    const secretFiles = dbSecretFiles(service.database, args.passwords, args.pgpass);

    this.service = new docker.Service(
      resourceName,
      {
        name: this.serviceName,
        labels: labelList({ ...ownerLabels(stack, "app"), "pgswarm.app": args.name }),
        mode: { replicated: { replicas: service.replicas } },
        endpointSpec: {
          mode: endpointModeFor(service),
          ports: service.publish.map((published) => ({
            publishedPort: published.port,
            targetPort: published.target,
            protocol: published.protocol,
            publishMode: published.mode,
          })),
        },
        updateConfig: {
          parallelism: service.update.parallelism,
          delay: service.update.delay,
          order: updateOrderFor(service),
          failureAction: "rollback",
          monitor: "15s",
        },
        rollbackConfig: { parallelism: service.update.parallelism, order: updateOrderFor(service) },
        taskSpec: {
          containerSpec: {
            image: args.image,
            commands: service.command,
            args: service.args,
            env: { ...service.env, ...databaseEnv(service.database, service.dbEnv, args.endpoints, service) },
            secrets: secretFiles.map((file) => secretMount(file, service.uid)),
            healthcheck: service.healthcheck
              ? {
                  tests: ["CMD", ...service.healthcheck.command],
                  interval: service.healthcheck.interval,
                  timeout: service.healthcheck.timeout,
                  retries: service.healthcheck.retries,
                  startPeriod: service.healthcheck.startPeriod,
                }
              : undefined,
          },
          placement: { constraints: service.placement, prefs: ["spread=node.id"] },
          resources: resourceLimits(service.resources),
          restartPolicy: { condition: "any", delay: "5s" },
          networksAdvanceds: [
            { id: args.appNetworkId, aliases: [args.name] },
            ...(usesDb ? [{ id: args.dbNetworkId }] : []),
          ],
        },
      },
      { parent: this },
    );
    this.registerOutputs({ serviceName: this.serviceName });
  }
}
