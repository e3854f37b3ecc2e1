/**
 * pgBackRest's configuration on both sides of the stack's repository, and the
 * repository agent's backups.json. Pure: snapshot-tested directly.
 *
 * Members archive to (and fetch WAL from) the repository service over
 * pgBackRest's TLS protocol; the repository takes backups through each member's
 * own pgBackRest server, from a standby when one is healthy. One repository,
 * one stanza: a promotion changes nothing here, so archiving continues with no gap.
 * With an S3 repository only the repository service's storage changes: it keeps
 * the backups in the bucket, and the members still talk to it alone.
 */
import {
  BACKUP_REPO_HOST,
  ENDPOINTS,
  PGBACKREST_TLS_PORT,
  PGDATA,
  REPO_PATH,
  SOCKET_DIR,
  SOURCE_REPO_PATH,
  STANZA,
  TLS_FILES,
  type BackupSpec,
} from "../contract";
import { activeLogin, BACKUP_DEFAULTS, loginRoles, s3StackPath, type S3Repository, type StackConfig } from "../config";

const HEADER = "# Rendered by pgswarm.";

const QUIET_LOGS = ["log-level-console=warn", "log-level-stderr=warn", "log-level-file=off"];

/** The TLS server every pgBackRest host runs, admitting the named clients (by certificate CN) to the stanza. */
function tlsServer(clients: string[]): string[] {
  return [
    "tls-server-address=*",
    `tls-server-port=${PGBACKREST_TLS_PORT}`,
    `tls-server-ca-file=${TLS_FILES.ca}`,
    `tls-server-cert-file=${TLS_FILES.cert}`,
    `tls-server-key-file=${TLS_FILES.key}`,
    ...clients.map((client) => `tls-server-auth=${client}=${STANZA}`),
  ];
}

function repoClient(repoPath?: string): string[] {
  return [
    `repo1-host=${BACKUP_REPO_HOST}`,
    "repo1-host-type=tls",
    `repo1-host-port=${PGBACKREST_TLS_PORT}`,
    `repo1-host-ca-file=${TLS_FILES.ca}`,
    `repo1-host-cert-file=${TLS_FILES.cert}`,
    `repo1-host-key-file=${TLS_FILES.key}`,
    ...(repoPath ? [`repo1-path=${repoPath}`] : []),
  ];
}

const localStanza = [`[${STANZA}]`, `pg1-path=${PGDATA}`, `pg1-socket-path=${SOCKET_DIR}`];

/** A member's pgbackrest.conf: archive-push and archive-get through the repository; a TLS server the repository backs up through. */
export function renderMemberPgbackrestConf(): string {
  return [
    HEADER,
    "[global]",
    ...repoClient(),
    "compress-type=zst",
    "archive-async=n",
    ...QUIET_LOGS,
    ...tlsServer([BACKUP_REPO_HOST]),
    "",
    "# A standby asks the archive for every WAL segment it lacks, and most are not there yet: not an error worth a",
    "# log line. An unreachable repository must not hold a standby back from streaming for long either.",
    "[global:archive-get]",
    "log-level-console=off",
    "log-level-stderr=off",
    "io-timeout=5",
    "",
    "# A stopping primary archives its last WAL first: an unreachable repository must not hold the stop past its grace.",
    "[global:archive-push]",
    "io-timeout=5",
    "",
    ...localStanza,
    "",
  ].join("\n");
}

/**
 * What a restoring member reads (database.restore): the same repository service,
 * whose path is the source stack's repository: its volume, mounted read-only
 * there, or with S3 its path in the bucket.
 */
export function renderRestorePgbackrestConf(source: { from: string; s3?: S3Repository }): string {
  const sourcePath = source.s3 ? s3StackPath(source.s3, source.from) : SOURCE_REPO_PATH;
  return [HEADER, "[global]", ...repoClient(sourcePath), ...QUIET_LOGS, "", ...localStanza, ""].join("\n");
}

/** Where the repository keeps its data: its volume, or the bucket (the keys come from an include file, never from here). */
function repoStorage(stack: string, s3?: S3Repository): string[] {
  if (!s3) return [`repo1-path=${REPO_PATH}`];
  return [
    "repo1-type=s3",
    `repo1-path=${s3StackPath(s3, stack)}`,
    `repo1-s3-bucket=${s3.bucket}`,
    `repo1-s3-endpoint=${s3.endpoint}`,
    `repo1-s3-region=${s3.region}`,
    `repo1-s3-uri-style=${s3.uriStyle}`,
    `repo1-storage-verify-tls=${s3.verifyTls ? "y" : "n"}`,
  ];
}

/** The repository service's pgbackrest.conf: the repository itself, retention, and every data member as a pg host. */
export function renderRepoPgbackrestConf(dataMembers: string[], retentionFull: number, storage: { stack: string; s3?: S3Repository }): string {
  const hosts = dataMembers.flatMap((member, index) => {
    const n = index + 1;
    return [
      `pg${n}-host=${member}`,
      `pg${n}-host-type=tls`,
      `pg${n}-host-port=${PGBACKREST_TLS_PORT}`,
      `pg${n}-host-ca-file=${TLS_FILES.ca}`,
      `pg${n}-host-cert-file=${TLS_FILES.cert}`,
      `pg${n}-host-key-file=${TLS_FILES.key}`,
      `pg${n}-path=${PGDATA}`,
      `pg${n}-socket-path=${SOCKET_DIR}`,
    ];
  });
  return [
    HEADER,
    "[global]",
    ...repoStorage(storage.stack, storage.s3),
    `repo1-retention-full=${retentionFull}`,
    "start-fast=y",
    // The primary is spared while a standby is healthy; with none, the primary is backed up.
    "backup-standby=prefer",
    "compress-type=zst",
    "log-level-console=info",
    "log-level-stderr=off",
    "log-level-file=off",
    ...tlsServer(dataMembers),
    "",
    `[${STANZA}]`,
    ...hosts,
    "",
  ].join("\n");
}

export function renderBackupSpec(stack: string, config: Pick<StackConfig, "backups" | "database" | "topology">, dataMembers: string[]): string {
  const { schedule, dumps } = config.backups;
  const reader = activeLogin(config.database, "reader");
  const spec: BackupSpec = {
    stack,
    schedule: { full: schedule.full ?? BACKUP_DEFAULTS.full, ...(schedule.diff !== "off" ? { diff: schedule.diff } : {}) },
    walArchiving: config.database.walArchiving,
    dumps: {
      ...(dumps.schedule !== "off" ? { schedule: dumps.schedule } : {}),
      keep: dumps.keep,
      database: config.database.name,
      user: reader.role,
      credential: reader.credential,
      // The read side spares the primary (GeoMapFish dumps from its slave).
      host: config.topology === "read-split" ? ENDPOINTS.ro : ENDPOINTS.rw,
    },
    members: dataMembers,
    logins: loginRoles(config.database).map(({ role, credential }) => ({ role, credential })),
  };
  return `${JSON.stringify(spec, null, 2)}\n`;
}
