/**
 * The stack's backups: the repository service with its configuration and
 * credentials. The TLS material is made first (BackupTls), since the members
 * mount theirs too.
 */
import * as pulumi from "@pulumi/pulumi";
import { s3RepositoryOf, type StackConfig } from "../config";
import { BACKUP_REPO_HOST } from "../contract";
import { configFile, type SecretFile } from "../swarm";
import { renderBackupSpec, renderRepoPgbackrestConf } from "./render";
import { BackupRepository } from "./repository";
import { s3KeySecrets, type S3Keys } from "./s3Keys";
import { tlsFiles, type HostTls } from "./tls";

export interface BackupsArgs {
  stack: string;
  config: Pick<StackConfig, "backups" | "database" | "topology">;
  image: pulumi.Input<string>;
  dbNetworkId: pulumi.Input<string>;
  dataMembers: string[];
  tls: Record<string, HostTls>;
  agentKey: SecretFile;
  /** Every login's password, both rotation slots: the repository's login keeper sets them in PostgreSQL (and dumps as the reader). */
  loginPasswords: SecretFile[];
  /** The S3 repository's keys (Pulumi secrets), when backups.repository.type is s3. */
  s3Keys?: S3Keys;
}

export class Backups extends pulumi.ComponentResource {
  readonly repository: BackupRepository;
  readonly serviceName: string;

  constructor(name: string, args: BackupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pgswarm:backups:Backups", name, {}, opts);
    const { stack, config } = args;
    const s3 = s3RepositoryOf(config);
    if (s3 && !args.s3Keys) throw new Error("an S3 repository needs its keys (pgswarm:s3AccessKey, pgswarm:s3SecretKey)");
    const configs = [
      // Mounted where pgBackRest looks by default (PGBACKREST_CONFIG in the image).
      configFile(`${name}-pgbackrest-conf`, stack, "pgbackrest.conf", renderRepoPgbackrestConf(args.dataMembers, config.backups.retention.full, { stack, s3 }), this),
      configFile(`${name}-backups-json`, stack, "backups.json", renderBackupSpec(stack, config, args.dataMembers), this),
    ];
    this.repository = new BackupRepository(
      `${name}-repo`,
      {
        stack,
        config,
        image: args.image,
        dbNetworkId: args.dbNetworkId,
        configs,
        secrets: [
          ...tlsFiles(args.tls[BACKUP_REPO_HOST]),
          args.agentKey,
          ...args.loginPasswords,
          ...(s3 && args.s3Keys ? s3KeySecrets(name, stack, args.s3Keys, this) : []),
        ],
      },
      { parent: this },
    );
    this.serviceName = this.repository.serviceName;
    this.registerOutputs({ serviceName: this.serviceName });
  }
}
