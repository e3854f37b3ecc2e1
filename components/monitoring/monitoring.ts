/**
 * Monitoring for a stack (`monitoring.enabled`): one postgres_exporter per DB
 * data member. The routers' HAProxy exporter is part of the router itself.
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { dbMembers } from "../postgres/topology";
import type { SecretFile } from "../swarm";
import { PostgresExporter } from "./postgresExporter";

export interface MonitoringArgs {
  stack: string;
  config: StackConfig;
  image: pulumi.Input<string>;
  dbNetworkId: pulumi.Input<string>;
  exporterPassword: SecretFile;
}

export class Monitoring extends pulumi.ComponentResource {
  readonly exporters: PostgresExporter[];

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pgswarm:monitoring:Monitoring", name, {}, opts);
    this.exporters = dbMembers(args.stack, args.config)
      .filter((member) => member.kind === "data")
      .map(
        (member) =>
          new PostgresExporter(
            `${name}-${member.name}-exporter`,
            { stack: args.stack, member, image: args.image, dbNetworkId: args.dbNetworkId, password: args.exporterPassword },
            { parent: this },
          ),
      );
    this.registerOutputs({ exporters: this.exporters.map((exporter) => exporter.serviceName) });
  }
}
