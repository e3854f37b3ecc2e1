/**
 * A whole pgswarm stack: node labels, networks, credentials, the database
 * cluster for the chosen topology and the application services.
 */
import * as pulumi from "@pulumi/pulumi";
import { AppService, pgpassSets } from "./app";
import { Backups, BackupTls, type S3Keys } from "./backups";
import type { StackConfig } from "./config";
import { DEMO_APP_IMAGE, LocalImages } from "./images";
import { Monitoring } from "./monitoring";
import { BACKUP_REPO_HOST } from "./contract";
import { dbMembers, ownedNodeLabels, PostgresCluster, type DbEndpoints } from "./postgres";
import { Credentials, Networks, NodeLabels } from "./swarm";

export interface StackArgs {
  stack: string;
  config: StackConfig;
  /** DOCKER_HOST-style address of a manager, for the node-label provider. */
  dockerHost: string;
  projectDir: string;
  /** The S3 repository's keys (Pulumi secrets), when backups.repository.type is s3. */
  s3Keys?: S3Keys;
}

export class Stack extends pulumi.ComponentResource {
  readonly endpoints: DbEndpoints;
  readonly serviceNames: string[];

  constructor(name: string, args: StackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pgswarm:index:Stack", name, {}, opts);
    const { stack, config } = args;

    const nodeLabels = Object.entries(ownedNodeLabels(stack, config)).map(
      ([node, labels]) => new NodeLabels(`${name}-node-${node}`, { dockerHost: args.dockerHost, node, labels }, { parent: this }),
    );
    const networks = new Networks(`${name}-net`, { stack, config: config.networks }, { parent: this });
    const credentials = new Credentials(
      `${name}-cred`,
      {
        stack,
        database: config.database,
        pgpass: pgpassSets(Object.values(config.services).map((service) => service.database)),
      },
      { parent: this },
    );

    const built = config.buildImages
      ? new LocalImages(
          `${name}-image`,
          {
            projectDir: args.projectDir,
            tags: {
              postgres: config.database.image,
              router: config.database.router.image,
              "demo-app": DEMO_APP_IMAGE,
              exporter: config.monitoring.enabled ? config.monitoring.image : undefined,
            },
          },
          { parent: this },
        ).byTag
      : {};
    const image = (tag: string): pulumi.Input<string> => built[tag] ?? tag;

    const dataMembers = dbMembers(stack, config)
      .filter((member) => member.kind === "data")
      .map((member) => member.name);
    const tls = new BackupTls(`${name}-tls`, { stack, hosts: [...dataMembers, BACKUP_REPO_HOST] }, { parent: this });

    const backups = new Backups(
      `${name}-backups`,
      {
        stack,
        config,
        image: image(config.database.image),
        dbNetworkId: networks.db.id,
        dataMembers,
        tls: tls.byHost,
        agentKey: credentials.agentKey,
        loginPasswords: credentials.loginSlots,
        s3Keys: args.s3Keys,
      },
      // Pinned to its node by a label.
      { parent: this, dependsOn: nodeLabels },
    );

    const cluster = new PostgresCluster(
      `${name}-pg`,
      {
        stack,
        config,
        images: { postgres: image(config.database.image), router: image(config.database.router.image) },
        dbNetworkId: networks.db.id,
        dbSubnet: networks.dbSubnet,
        credentials,
        tls: tls.byHost,
        // The repository comes first and goes last: a primary archives from its first minute, and a
        // stopping member archives its last WAL on the way down.
        membersDependOn: [backups.repository.service],
      },
      // Pinned services would sit pending until their node labels exist.
      { parent: this, dependsOn: nodeLabels },
    );

    const apps = Object.entries(config.services).map(
      ([serviceName, service]) =>
        new AppService(
          `${name}-app-${serviceName}`,
          {
            stack,
            name: serviceName,
            service,
            image: image(service.image),
            appNetworkId: networks.app.id,
            dbNetworkId: networks.db.id,
            endpoints: cluster.endpoints,
            passwords: credentials.activeLogins,
            pgpass: credentials.pgpass,
          },
          { parent: this, dependsOn: [...nodeLabels, cluster] },
        ),
    );

    const monitoring = config.monitoring.enabled
      ? new Monitoring(
          `${name}-monitoring`,
          {
            stack,
            config,
            image: image(config.monitoring.image),
            dbNetworkId: networks.db.id,
            exporterPassword: credentials.passwords.exporter,
          },
          // The exporter's role exists once the cluster has bootstrapped.
          { parent: this, dependsOn: [cluster] },
        )
      : undefined;

    this.endpoints = cluster.endpoints;
    this.serviceNames = [...cluster.nodes, ...cluster.routers, backups, ...apps, ...(monitoring?.exporters ?? [])].map(
      (component) => component.serviceName,
    );
    this.registerOutputs({ endpoints: this.endpoints, serviceNames: this.serviceNames });
  }
}
