/** pgbackrest.conf: WAL archive and base backups into the node's own volume, pruned by retention (OpenSlides never prunes). */
import { PGDATA, STANZA, VOLUME_DIR } from "../../contract";

export { STANZA };
export const BACKUP_REPO = `${VOLUME_DIR}/pgbackrest`;

export function renderPgbackrestConf(retentionFull = 2): string {
  return `# Rendered by pgswarm.
[global]
repo1-path=${BACKUP_REPO}
repo1-retention-full=${retentionFull}
start-fast=y
archive-async=n
compress-type=zst
log-level-console=warn
log-level-stderr=warn
log-level-file=off

# A standby asks the archive for every WAL segment it lacks, and most are not there yet: not an error worth a log line.
[global:archive-get]
log-level-console=off
log-level-stderr=off

[${STANZA}]
pg1-path=${PGDATA}
pg1-socket-path=/var/run/postgresql
`;
}
