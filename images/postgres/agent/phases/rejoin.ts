/**
 * Rejoin: a member whose WAL went past the new primary's timeline (a former
 * primary, or a standby that received what the new primary never had) is
 * rewound with pg_rewind, fetching WAL it no longer has from the archive
 * (--restore-target-wal). Re-cloning is the last resort and is logged as such.
 */
import { PGDATA, POSTGRES_PORT, ROLES } from "../../../../components/contract";
import { installConfig, markStandby } from "../files";
import { log } from "../log";
import { run } from "../process";
import { cloneFrom, moveAside } from "./join";

export type RejoinResult = "rewound" | "recloned";

export async function rejoin(leader: string, walArchive: boolean): Promise<RejoinResult> {
  installConfig(); // restore_command must be in place for --restore-target-wal
  const source = `host=${leader} port=${POSTGRES_PORT} user=${ROLES.replication} dbname=postgres connect_timeout=5`;
  const args = ["-D", PGDATA, `--source-server=${source}`, ...(walArchive ? ["--restore-target-wal"] : [])];
  try {
    log(`rewinding to follow ${leader} (pg_rewind)`);
    await run("pg_rewind", args, { timeoutMs: 3600_000, echo: true });
    installConfig(); // pg_rewind copied the source's configuration files
    markStandby(true);
    log(`rewound: following ${leader}`);
    return "rewound";
  } catch (error) {
    const aside = moveAside();
    log(`RE-CLONE (last resort): pg_rewind could not rejoin this member to ${leader} (${(error as Error).message}); the diverged data is kept in ${aside}`);
    await cloneFrom(leader);
    return "recloned";
  }
}
