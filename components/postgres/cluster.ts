/**
 * A PostgreSQL cluster for one topology: the DB members, the configuration
 * they share, and the routers that give clients stable endpoints.
 */
import * as pulumi from "@pulumi/pulumi";
import { renderMemberPgbackrestConf, renderRestorePgbackrestConf, tlsFiles, type HostTls } from "../backups";
import { activeLogin, s3RepositoryOf, type StackConfig } from "../config";
import { AGENT_KEY_CREDENTIAL } from "../contract";
import { ENDPOINTS, POSTGRES_PORT } from "../names";
import { configFile, type Credentials } from "../swarm";
import { PgNode } from "./pgnode";
import { renderClusterSpec, renderPgHba, renderPostgresqlConf } from "./render";
import { Router } from "./router";
import { dbMembers, hasReadRouter } from "./topology";

export interface ClusterArgs {
  stack: string;
  config: StackConfig;
  images: { postgres: pulumi.Input<string>; router: pulumi.Input<string> };
  dbNetworkId: pulumi.Input<string>;
  dbSubnet: string;
  credentials: Credentials;
  /** pgBackRest's TLS files for each data member (BackupTls.byHost). */
  tls: Record<string, HostTls>;
  /** What every member needs before it starts and after it stops: the backup repository. */
  membersDependOn: pulumi.Resource[];
}

export interface DbEndpoints {
  rw: string;
  ro?: string;
  port: number;
  database: string;
  /** The application's login role now (its rotation slot): the write side. */
  user: string;
  /** The read-only login role now (its rotation slot): the read side (database: ro and split). */
  readUser: string;
  /** The data members' host names on the DB network, for libpq's multi-host form. */
  members: string[];
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

    const sharedConfigs = [
      configFile(`${name}-postgresql-conf`, stack, "postgresql.conf", renderPostgresqlConf(config), this),
      configFile(`${name}-pg-hba`, stack, "pg_hba.conf", renderPgHba(args.dbSubnet), this),
      configFile(`${name}-pgbackrest-conf`, stack, "pgbackrest.conf", renderMemberPgbackrestConf(), this),
      configFile(`${name}-pgbackrest-restore-conf`, stack, "pgbackrest-restore.conf", renderRestorePgbackrestConf({ from: config.database.restore?.from ?? stack, s3: s3RepositoryOf(config) }), this),
      configFile(`${name}-cluster-json`, stack, "cluster.json", renderClusterSpec(stack, config), this),
    ];
    const { passwords, agentKey } = args.credentials;
    const secrets = [...Object.values(passwords), agentKey];

    // Members are created and updated one after another — the witness first, then
    // pgnodeN … pgnode1 — so a rolling change (a new image) restarts one member at a
    // time, and the usual primary (pgnode1) last: at most one switchover.
    const ordered = [...members].sort((a, b) => b.nodeId - a.nodeId);
    const nodes = new Map<string, PgNode>();
    let previous: PgNode | undefined;
    for (const member of ordered) {
      const node = new PgNode(
        `${name}-${member.name}`,
        {
          stack,
          member,
          config,
          image: args.images.postgres,
          dbNetworkId: args.dbNetworkId,
          sharedConfigs,
          secrets: member.kind === "data" ? [...secrets, ...tlsFiles(args.tls[member.name])] : secrets,
        },
        { parent: this, dependsOn: [...args.membersDependOn, ...(previous ? [previous] : [])] },
      );
      nodes.set(member.name, node);
      previous = node;
    }
    this.nodes = members.map((member) => nodes.get(member.name)!);

    const router = (mode: "rw" | "ro", aliases: string[]) =>
      new Router(
        `${name}-router-${mode}`,
        { stack, mode, config, image: args.images.router, dbNetworkId: args.dbNetworkId, aliases, dataMembers },
        { parent: this },
      );
    this.routers = [router("rw", [ENDPOINTS.rw, ENDPOINTS.alias])];
    if (hasReadRouter(config)) this.routers.push(router("ro", [ENDPOINTS.ro]));

    this.endpoints = {
      rw: ENDPOINTS.rw,
      ro: hasReadRouter(config) ? ENDPOINTS.ro : undefined,
      port: POSTGRES_PORT,
      database: config.database.name,
      user: activeLogin(config.database, "app").role,
      readUser: activeLogin(config.database, "reader").role,
      members: dataMembers,
    };
    this.registerOutputs({ endpoints: this.endpoints });
  }
}

export { AGENT_KEY_CREDENTIAL };
