/**
 * A router: HAProxy in front of the DB members, admitting a member only while
 * its agent says it has the role the router serves. Stateless, so it runs
 * several replicas spread over nodes and updates start-first.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { labelList, ownerLabels, serviceName } from "../names";
import { configFile, configMount } from "../swarm";
import { renderHaproxyCfg, ROUTER_HEALTH_PORT, type RouterMode } from "./render";

/** The haproxy user's uid in our router image (fixed in images/router/Dockerfile). */
export const HAPROXY_UID = 998;

export interface RouterArgs {
  stack: string;
  mode: RouterMode;
  config: Pick<StackConfig, "database">;
  image: pulumi.Input<string>;
  dbNetworkId: pulumi.Input<string>;
  aliases: string[];
  dataMembers: string[];
}

export class Router extends pulumi.ComponentResource {
  readonly service: docker.Service;
  readonly serviceName: string;

  constructor(name: string, args: RouterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pgswarm:postgres:Router", name, {}, opts);
    const { stack, mode, config } = args;
    this.serviceName = serviceName(stack, args.aliases[0]);
    const haproxyCfg = configFile(`${name}-haproxy-cfg`, stack, "haproxy.cfg", renderHaproxyCfg(mode, config as StackConfig, args.dataMembers), this);

    this.service = new docker.Service(
      name,
      {
        name: this.serviceName,
        labels: labelList({ ...ownerLabels(stack, "router"), "pgswarm.router": mode }),
        mode: { replicated: { replicas: config.database.router.replicas } },
        endpointSpec: { mode: "dnsrr" },
        // One router task failing to start is tolerated (a Swarm glitch such as an overlay address still held by a task
        // that is stopping on that node: "Address already in use"); it restarts with the new spec. A rollback would leave
        // the service on the old spec while the stack's state says it is updated. All of them failing still rolls back.
        updateConfig: { parallelism: 1, order: "start-first", failureAction: "rollback", maxFailureRatio: "0.5", monitor: "15s" },
        taskSpec: {
          containerSpec: {
            image: args.image,
            env: { PGSWARM_ROUTER_MODE: mode },
            configs: [configMount(haproxyCfg, HAPROXY_UID)],
            healthcheck: {
              tests: ["CMD", "/usr/local/bin/pgswarm-router-health"],
              interval: "5s",
              timeout: "2s",
              retries: 3,
              startPeriod: "10s",
            },
          },
          placement: { prefs: ["spread=node.id"] },
          restartPolicy: { condition: "any", delay: "2s" },
          networksAdvanceds: [{ id: args.dbNetworkId, aliases: args.aliases }],
        },
      },
      { parent: this },
    );
    this.registerOutputs({ serviceName: this.serviceName, healthPort: ROUTER_HEALTH_PORT });
  }
}
