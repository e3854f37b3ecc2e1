/**
 * A postgres_exporter for one DB data member: its own service on the DB
 * network, connecting to that member only (never through a router, so every
 * member reports its own role and lag), as the pgswarm_exporter role whose
 * password arrives as a file. Prometheus finds it as tasks.<service>.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { labelList, MEMBER_LABEL, ownerLabels, POSTGRES_PORT, ROLES, SECRETS_DIR, serviceName } from "../names";
import type { DbMember } from "../postgres/topology";
import { secretMount, type SecretFile } from "../swarm";
import { ROLES as DB_ROLES } from "../contract";

/** The role the DB bootstrap creates for the exporter (IN ROLE pg_monitor). */
export const EXPORTER_USER = DB_ROLES.exporter;
/** postgres_exporter's default port, where /metrics is served. */
export const EXPORTER_PORT = 9187;
export const EXPORTER_METRICS_PATH = "/metrics";
/** The exporter user's uid in our image (fixed in images/exporter/Dockerfile). */
export const EXPORTER_UID = 997;

/** The exporter's Swarm service for a member: `<stack>_pgnodeN-exporter`. */
export const exporterServiceName = (stack: string, member: string) => serviceName(stack, `${member}-exporter`);

/**
 * postgres_exporter's data source: host and options in DATA_SOURCE_URI, the user
 * by name and the password only as a file (it builds the URL itself).
 */
export function exporterEnv(member: string, passwordFile: string): Record<string, string> {
  return {
    // The DB network is the transport (IPsec outside dev); our PostgreSQL serves no TLS, and lib/pq would insist.
    DATA_SOURCE_URI: `${member}:${POSTGRES_PORT}/postgres?sslmode=disable&connect_timeout=3`,
    DATA_SOURCE_USER: EXPORTER_USER,
    DATA_SOURCE_PASS_FILE: passwordFile,
    PG_EXPORTER_WEB_TELEMETRY_PATH: EXPORTER_METRICS_PATH,
  };
}

export interface PostgresExporterArgs {
  stack: string;
  member: Pick<DbMember, "name">;
  image: pulumi.Input<string>;
  dbNetworkId: pulumi.Input<string>;
  password: SecretFile;
}

export class PostgresExporter extends pulumi.ComponentResource {
  readonly service: docker.Service;
  readonly serviceName: string;

  constructor(name: string, args: PostgresExporterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pgswarm:monitoring:PostgresExporter", name, {}, opts);
    const { stack, member } = args;
    this.serviceName = exporterServiceName(stack, member.name);

    this.service = new docker.Service(
      name,
      {
        name: this.serviceName,
        labels: labelList({ ...ownerLabels(stack, ROLES.exporter), [MEMBER_LABEL]: member.name }),
        mode: { replicated: { replicas: 1 } },
        // Prometheus resolves tasks.<service> to the task itself: no VIP needed.
        endpointSpec: { mode: "dnsrr" },
        updateConfig: { parallelism: 1, order: "start-first", failureAction: "rollback", monitor: "15s" },
        taskSpec: {
          containerSpec: {
            image: args.image,
            args: [`--web.listen-address=:${EXPORTER_PORT}`],
            env: exporterEnv(member.name, `${SECRETS_DIR}/${args.password.fileName}`),
            secrets: [secretMount(args.password, EXPORTER_UID)],
          },
          resources: { limits: { memoryBytes: 64 * 1024 * 1024 } },
          restartPolicy: { condition: "any", delay: "5s" },
          networksAdvanceds: [{ id: args.dbNetworkId }],
        },
      },
      { parent: this },
    );
    this.registerOutputs({ serviceName: this.serviceName });
  }
}
