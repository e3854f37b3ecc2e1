/**
 * One DB member as a Swarm service: one replica pinned to its labelled node,
 * its own volume, DNS round-robin on the DB network, stop-first updates, and
 * a liveness-only health check (the member agent answers; a role check would
 * make Swarm kill healthy standbys). The agent inside decides the member's role.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { VOLUME_DIR } from "../contract";
import { INITIAL_PRIMARY_LABEL, labelList, MEMBER_LABEL, ownerLabels, serviceName, volumeName } from "../names";
import { configFile, configMount, resourceLimits, secretMount, type ConfigFile, type SecretFile } from "../swarm";
import { renderRepmgrConf } from "./render";
import { placementConstraint, type DbMember } from "./topology";

/** The postgres user's uid and gid in our image (fixed in images/postgres/Dockerfile). */
export const POSTGRES_UID = 999;

export interface PgNodeArgs {
  stack: string;
  member: DbMember;
  config: Pick<StackConfig, "database">;
  image: pulumi.Input<string>;
  dbNetworkId: pulumi.Input<string>;
  sharedConfigs: ConfigFile[];
  /** Every credential the member needs, mounted as files under /run/secrets. */
  secrets: SecretFile[];
}

/** The member's identity; everything else comes from cluster.json. */
export function pgnodeEnv(member: DbMember): Record<string, string> {
  return { PGSWARM_NODE_NAME: member.name };
}

export class PgNode extends pulumi.ComponentResource {
  readonly service: docker.Service;
  readonly serviceName: string;

  constructor(name: string, args: PgNodeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pgswarm:postgres:PgNode", name, {}, opts);
    const { stack, member, config } = args;
    this.serviceName = serviceName(stack, member.name);

    const configs = [...args.sharedConfigs, configFile(`${name}-repmgr-conf`, stack, "repmgr.conf", renderRepmgrConf(member), this)];

    this.service = new docker.Service(
      name,
      {
        name: this.serviceName,
        labels: labelList({
          ...ownerLabels(stack, "pgnode"),
          [MEMBER_LABEL]: member.name,
          ...(member.initialPrimary ? { [INITIAL_PRIMARY_LABEL]: "true" } : {}),
        }),
        mode: { replicated: { replicas: 1 } },
        endpointSpec: { mode: "dnsrr" },
        // Never two postmasters on one volume: the old task stops before the new one starts
        // (the volume lock makes a new task wait for a straggler too).
        updateConfig: { parallelism: 1, order: "stop-first", failureAction: "pause", monitor: "30s" },
        rollbackConfig: { parallelism: 1, order: "stop-first" },
        // `pulumi up` returns for a member only once it runs again, so members restart one at a time.
        convergeConfig: { delay: "2s", timeout: "10m" },
        taskSpec: {
          containerSpec: {
            image: args.image,
            hostname: member.name,
            // An init as PID 1 forwards the stop signal to the agent and reaps what it leaves.
            init: true,
            env: pgnodeEnv(member),
            mounts: [
              {
                type: "volume",
                source: volumeName(stack, member.name),
                target: VOLUME_DIR,
                volumeOptions: { labels: labelList(ownerLabels(stack, "pgdata")) },
              },
            ],
            configs: configs.map((file) => configMount(file, POSTGRES_UID)),
            secrets: args.secrets.map((file) => secretMount(file, POSTGRES_UID)),
            healthcheck: {
              // The agent answers: alive, whatever the member's role (images/postgres/pgswarm-health.sh).
              tests: ["CMD", "/usr/local/bin/pgswarm-health"],
              interval: "5s",
              timeout: "3s",
              retries: 3,
              startPeriod: "10s",
            },
            // The agent hands a primary's role over to a standby before it stops (a planned stop is a switchover).
            stopSignal: "SIGINT",
            stopGracePeriod: "60s",
          },
          placement: { constraints: [placementConstraint(member)] },
          resources: resourceLimits(config.database.resources),
          restartPolicy: { condition: "any", delay: "1s" },
          networksAdvanceds: [{ id: args.dbNetworkId, aliases: [member.name] }],
        },
      },
      // The component's dependencies are the service's own: Pulumi records them on the service, so
      // `pulumi destroy` deletes it before what it depends on (the previous member, the repository).
      { parent: this, dependsOn: opts?.dependsOn },
    );
    this.registerOutputs({ serviceName: this.serviceName });
  }
}
