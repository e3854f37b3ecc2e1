/**
 * The stack's overlay networks: the DB network (encrypted by default, with a
 * fixed subnet that pg_hba.conf admits) and the app network.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { defaultDbSubnet, labelList, networkName, ownerLabels } from "../names";

export interface NetworksArgs {
  stack: string;
  config: StackConfig["networks"];
}

export class Networks extends pulumi.ComponentResource {
  readonly db: docker.Network;
  readonly app: docker.Network;
  readonly dbSubnet: string;

  constructor(name: string, args: NetworksArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pgswarm:swarm:Networks", name, {}, opts);
    const { stack, config } = args;
    this.dbSubnet = config.dbSubnet ?? defaultDbSubnet(stack);

    this.db = new docker.Network(
      `${name}-db`,
      {
        name: networkName(stack, "db"),
        driver: "overlay",
        // IPsec between nodes: database traffic and replication cross hosts.
        options: config.encrypted ? { encrypted: "true" } : {},
        ipamConfigs: [{ subnet: this.dbSubnet }],
        attachable: false,
        labels: labelList(ownerLabels(stack, "db-network")),
      },
      { parent: this },
    );
    this.app = new docker.Network(
      `${name}-app`,
      {
        name: networkName(stack, "app"),
        driver: "overlay",
        options: config.encrypted ? { encrypted: "true" } : {},
        ipamConfigs: config.appSubnet ? [{ subnet: config.appSubnet }] : undefined,
        attachable: false,
        labels: labelList(ownerLabels(stack, "app-network")),
      },
      { parent: this },
    );
    this.registerOutputs({ db: this.db.id, app: this.app.id });
  }
}
