/**
 * The stack's backup repository: one pgBackRest server as a Swarm service on
 * the DB network (`backup-repo`), pinned to the backups node with its own
 * volume. Every member archives to it; its agent takes the scheduled backups
 * (from a standby when one is healthy), expires them, takes the logical dumps
 * and answers `npm run backups`. A restoring stack mounts the source stack's
 * repository volume read-only beside its own. With an S3 repository the same
 * service keeps the backups in the bucket; its volume keeps the dumps.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { BACKUP_REPO_HOST, PGBACKREST_INCLUDE_DIR, REPO_DIR, SOURCE_REPO_DIR, VOLUME_DIR as DATA_VOLUME_DIR } from "../contract";
import { labelList, ownerLabels, repositoryLabelKey, ROLES, serviceName, volumeName } from "../names";
import { configMount, secretMount, type ConfigFile, type SecretFile } from "../swarm";

/** The postgres user's uid in our image: the repository belongs to it, as pgBackRest on the members does. */
const REPO_UID = 999;
export const REPO_VOLUME_SLOT = "backup-repo";
export const repositoryServiceName = (stack: string) => serviceName(stack, BACKUP_REPO_HOST);
/** The command the postgres image runs as the repository (images/postgres/pgswarm-repo.sh). */
export const REPO_COMMAND = ["/usr/local/bin/pgswarm-repo"];

export interface BackupRepositoryArgs {
  stack: string;
  config: Pick<StackConfig, "database" | "backups">;
  image: pulumi.Input<string>;
  dbNetworkId: pulumi.Input<string>;
  /** pgbackrest.conf (the repository's own) and backups.json. */
  configs: ConfigFile[];
  /** TLS files, the agent key (on-demand backups) and the read role's password (dumps). */
  secrets: SecretFile[];
}

export class BackupRepository extends pulumi.ComponentResource {
  readonly service: docker.Service;
  readonly serviceName: string;

  constructor(name: string, args: BackupRepositoryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pgswarm:backups:Repository", name, {}, opts);
    const { stack } = args;
    this.serviceName = repositoryServiceName(stack);
    const restore = args.config.database.restore;
    const s3 = args.config.backups.repository.type === "s3";

    this.service = new docker.Service(
      name,
      {
        name: this.serviceName,
        labels: labelList(ownerLabels(stack, ROLES.backupRepo)),
        mode: { replicated: { replicas: 1 } },
        endpointSpec: { mode: "dnsrr" },
        // One pgBackRest per repository volume: the old task stops before the new one starts.
        updateConfig: { parallelism: 1, order: "stop-first", failureAction: "pause", monitor: "15s" },
        rollbackConfig: { parallelism: 1, order: "stop-first" },
        taskSpec: {
          containerSpec: {
            image: args.image,
            hostname: BACKUP_REPO_HOST,
            init: true,
            commands: REPO_COMMAND,
            mounts: [
              {
                type: "volume",
                source: volumeName(stack, REPO_VOLUME_SLOT),
                target: REPO_DIR,
                volumeOptions: { labels: labelList(ownerLabels(stack, "backup-repo")) },
              },
              // The image declares PostgreSQL's data directory a volume; the repository needs none there.
              { type: "tmpfs", target: DATA_VOLUME_DIR },
              // Not ours: no labels, so removing this stack's volumes never touches it. From S3 the source is a path in the bucket.
              ...(restore && !s3 ? [{ type: "volume", source: volumeName(restore.from, REPO_VOLUME_SLOT), target: SOURCE_REPO_DIR, readOnly: true }] : []),
              // The S3 keys' include file lives in memory only (the agent writes it mode 0600).
              ...(s3 ? [{ type: "tmpfs", target: PGBACKREST_INCLUDE_DIR }] : []),
            ],
            configs: args.configs.map((file) => configMount(file, REPO_UID)),
            secrets: args.secrets.map((file) => secretMount(file, REPO_UID)),
            healthcheck: { tests: ["CMD", "/usr/local/bin/pgswarm-health"], interval: "10s", timeout: "3s", retries: 3, startPeriod: "10s" },
            // A backup in progress is aborted by the stop; pgBackRest resumes or restarts it next time.
            stopGracePeriod: "30s",
          },
          placement: { constraints: [`node.labels.${repositoryLabelKey(stack)} == true`] },
          restartPolicy: { condition: "any", delay: "5s" },
          networksAdvanceds: [{ id: args.dbNetworkId, aliases: [BACKUP_REPO_HOST] }],
        },
      },
      { parent: this },
    );
    this.registerOutputs({ serviceName: this.serviceName });
  }
}
