export { Backups, type BackupsArgs } from "./backups";
export { BackupTls, tlsFiles, type HostTls } from "./tls";
export { BackupRepository, repositoryServiceName, REPO_VOLUME_SLOT } from "./repository";
export * from "./render";
export { s3KeyData, s3KeySecrets, type S3Keys } from "./s3Keys";
