/**
 * A PostgreSQL cluster for one topology: the DB members, the configuration
 * they share, and the routers that give clients stable endpoints.
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { ENDPOINTS, POSTGRES_PORT } from "../names";
import { configFile, type Credentials } from "../swarm";
import { PgNode } from "./pgnode";
import { renderPgbackrestConf, renderPgHba, renderPostgresqlConf } from "./render";
import { Router } from "./router";
import { dbMembers, hasReadRouter, hasRouter } from "./topology";

export interface ClusterArgs {
  stack: string;
  config: StackConfig;
  images: { postgres: pulumi.Input<string>; router: pulumi.Input<string> };
  dbNetworkId: pulumi.Input<string>;
  dbSubnet: string;
  credentials: Credentials;
}

export interface DbEndpoints {
  rw: string;
  ro?: string;
  port: number;
  database: string;
  user: string;
}

export class PostgresCluster extends pulumi.ComponentResource {
  readonly nodes: PgNode[];
  readonly routers: Router[];
  readonly endpoints: DbEndpoints;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pgswarm:postgres:Cluster", name, {}, opts);
    const { stack, config } = args;
    const members = dbMembers(stack, config);
    const dataMembers = members.filter((member) => member.kind === "data").map((member) => member.name);
    const routed = hasRouter(config);

    const sharedConfigs = [
      configFile(`${name}-postgresql-conf`, stack, "postgresql.conf", renderPostgresqlConf(config), this),
      configFile(`${name}-pg-hba`, stack, "pg_hba.conf", renderPgHba(args.dbSubnet), this),
      configFile(`${name}-pgbackrest-conf`, stack, "pgbackrest.conf", renderPgbackrestConf(), this),
    ];

    this.nodes = members.map(
      (member) =>
        new PgNode(
          `${name}-${member.name}`,
          {
            stack,
            member,
            config,
            image: args.images.postgres,
            dbNetworkId: args.dbNetworkId,
            // Without a router the single node is the endpoint.
            aliases: !routed && member.initialPrimary ? [ENDPOINTS.rw, ENDPOINTS.alias] : [],
            sharedConfigs,
            credentials: args.credentials,
          },
          { parent: this },
        ),
    );

    const router = (mode: "rw" | "ro", aliases: string[]) =>
      new Router(
        `${name}-router-${mode}`,
        {
          stack,
          mode,
          config,
          image: args.images.router,
          dbNetworkId: args.dbNetworkId,
          aliases,
          dataMembers,
          credentials: args.credentials,
        },
        { parent: this },
      );
    this.routers = [];
    if (routed) this.routers.push(router("rw", [ENDPOINTS.rw, ENDPOINTS.alias]));
    if (hasReadRouter(config)) this.routers.push(router("ro", [ENDPOINTS.ro]));

    this.endpoints = {
      rw: ENDPOINTS.rw,
      ro: hasReadRouter(config) ? ENDPOINTS.ro : undefined,
      port: POSTGRES_PORT,
      database: config.database.name,
      user: config.database.user,
    };
    this.registerOutputs({ endpoints: this.endpoints });
  }
}
