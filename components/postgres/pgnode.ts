/**
 * One DB member as a Swarm service: one replica pinned to its labelled node,
 * its own volume, DNS round-robin on the DB network, stop-first updates (two
 * postmasters on one volume is corruption) and a liveness-only health check
 * (a role check would make Swarm kill healthy standbys).
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { DATA_DIR, labelList, ownerLabels, serviceName, volumeName } from "../names";
import { configFile, configMount, resourceLimits, secretMount, type ConfigFile, type Credentials } from "../swarm";
import { renderRepmgrConf } from "./render";
import { placementConstraint, type DbMember } from "./topology";

/** The postgres user's uid and gid in our image (fixed in images/postgres/Dockerfile). */
export const POSTGRES_UID = 999;

export interface PgNodeArgs {
  stack: string;
  member: DbMember;
  config: StackConfig;
  image: pulumi.Input<string>;
  dbNetworkId: pulumi.Input<string>;
  /** Extra names on the DB network (standalone: db-rw and db). */
  aliases: string[];
  sharedConfigs: ConfigFile[];
  credentials: Credentials;
}

export function pgnodeEnv(member: DbMember, config: StackConfig): Record<string, string> {
  const peers = Array.from({ length: config.database.nodes }, (_, index) => `pgnode${index + 1}`);
  return {
    PGSWARM_NODE_NAME: member.name,
    PGSWARM_NODE_ID: String(member.nodeId),
    PGSWARM_NODE_KIND: member.kind,
    PGSWARM_TOPOLOGY: config.topology,
    PGSWARM_INITIAL_PRIMARY: config.database.initialPrimary,
    PGSWARM_PEERS: peers.join(","),
    PGSWARM_DB_NAME: config.database.name,
    PGSWARM_DB_USER: config.database.user,
    // The witness holds only repmgr metadata: nothing to archive.
    PGSWARM_WAL_ARCHIVING: config.database.walArchiving && member.kind === "data" ? "on" : "off",
  };
}

export class PgNode extends pulumi.ComponentResource {
  readonly service: docker.Service;
  readonly serviceName: string;

  constructor(name: string, args: PgNodeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pgswarm:postgres:PgNode", name, {}, opts);
    const { stack, member, config, credentials } = args;
    this.serviceName = serviceName(stack, member.name);

    const configs = [
      ...args.sharedConfigs,
      configFile(`${name}-repmgr-conf`, stack, "repmgr.conf", renderRepmgrConf(member, config), this),
    ];

    this.service = new docker.Service(
      name,
      {
        name: this.serviceName,
        labels: labelList({ ...ownerLabels(stack, "pgnode"), "pgswarm.member": member.name }),
        mode: { replicated: { replicas: 1 } },
        endpointSpec: { mode: "dnsrr" },
        updateConfig: { parallelism: 1, order: "stop-first", failureAction: "pause", monitor: "30s" },
        rollbackConfig: { parallelism: 1, order: "stop-first" },
        taskSpec: {
          containerSpec: {
            image: args.image,
            hostname: member.name,
            // An init as PID 1 reaps the postmasters repmgr restarts through pg_ctl.
            init: true,
            env: pgnodeEnv(member, config),
            mounts: [
              {
                type: "volume",
                source: volumeName(stack, member.name),
                target: DATA_DIR,
                volumeOptions: { labels: labelList(ownerLabels(stack, "pgdata")) },
              },
            ],
            configs: configs.map((file) => configMount(file, POSTGRES_UID)),
            secrets: Object.values(credentials.passwords).map((file) => secretMount(file, POSTGRES_UID)),
            healthcheck: {
              // pg_isready, or alive while deliberately waiting for peers (images/postgres/pgswarm-health.sh).
              tests: ["CMD", "/usr/local/bin/pgswarm-health"],
              interval: "5s",
              timeout: "3s",
              retries: 3,
              // Cloning a standby from a large primary takes a while.
              startPeriod: "2m",
            },
            // SIGINT is PostgreSQL's fast shutdown: clean, without waiting for clients.
            stopSignal: "SIGINT",
            stopGracePeriod: "60s",
          },
          placement: { constraints: [placementConstraint(member)] },
          resources: resourceLimits(config.database.resources),
          restartPolicy: { condition: "any", delay: "5s" },
          networksAdvanceds: [{ id: args.dbNetworkId, aliases: [member.name, ...args.aliases] }],
        },
      },
      { parent: this },
    );
    this.registerOutputs({ serviceName: this.serviceName });
  }
}
