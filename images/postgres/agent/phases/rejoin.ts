/**
 * Rejoin: a member whose WAL went past the new primary's timeline (a former
 * primary, or a standby that received what the new primary never had) is
 * rewound with pg_rewind, fetching WAL it no longer has from the archive
 * (--restore-target-wal). Re-cloning is the last resort, taken only when the
 * new primary answers and pg_rewind still cannot do it, and logged as such.
 */
import { PGDATA, POSTGRES_PORT, ROLES } from "../../../../components/contract";
import { clearStalePid, installConfig, markStandby } from "../files";
import { log } from "../log";
import { run } from "../process";
import { resolvePeer } from "../resolve";
import { cloneFrom, moveAside } from "./join";

export type RejoinResult = "rewound" | "recloned";

/**
 * The rewind did not happen now: try again later, change nothing. `rewindFailed`:
 * pg_rewind itself failed (counted towards the re-clone), rather than the source
 * not being ready (not counted).
 */
export class RetryLater extends Error {
  constructor(
    message: string,
    readonly rewindFailed = false,
  ) {
    super(message);
  }
}

/**
 * pg_rewind's own words for "this cannot be rewound": no common history any more,
 * WAL it needs is nowhere, or the data lacks checksums/wal_log_hints.
 */
const IMPOSSIBLE = /could not find previous WAL record|could not open file .*pg_wal|could not find common ancestor|needs to use either data checksums or "wal_log_hints"|could not read WAL record|unexpected pageaddr/i;

/**
 * The leader by the address the agent resolved itself: after a partition heals, Docker's DNS can take
 * a minute to know a peer again, and libpq's lookup of its name waited 10 s per attempt meanwhile.
 */
export const sourceConninfo = (leader: string, address?: string) =>
  `host=${leader}${address ? ` hostaddr=${address}` : ""} port=${POSTGRES_PORT} user=${ROLES.replication} dbname=postgres connect_timeout=3`;

async function sourceIsPrimary(conninfo: string): Promise<boolean> {
  try {
    const answer = await run("psql", [conninfo, "-XAtq", "-c", "SELECT pg_is_in_recovery()"], { timeoutMs: 10_000 });
    return answer.trim() === "f";
  } catch {
    return false;
  }
}

/** `attempt` counts failed rewinds in a row: a failure pg_rewind does not call impossible is retried twice first. */
export async function rejoin(leader: string, walArchive: boolean, attempt = 1): Promise<RejoinResult> {
  const conninfo = sourceConninfo(leader, await resolvePeer(leader));
  if (!(await sourceIsPrimary(conninfo))) throw new RetryLater(`${leader} does not answer as primary yet`);
  clearStalePid();
  installConfig(); // restore_command must be in place for --restore-target-wal
  const args = ["-D", PGDATA, `--source-server=${conninfo}`, ...(walArchive ? ["--restore-target-wal"] : [])];
  try {
    log(`rewinding to follow ${leader} (pg_rewind)`);
    await run("pg_rewind", args, { timeoutMs: 3600_000, echo: true });
    installConfig(); // pg_rewind copied the source's configuration files
    markStandby(true);
    log(`rewound: following ${leader}`);
    return "rewound";
  } catch (error) {
    const reason = (error as Error).message;
    if (!(await sourceIsPrimary(conninfo))) throw new RetryLater(`${leader} stopped answering during the rewind: ${reason}`);
    if (!IMPOSSIBLE.test(reason) && attempt < 3) throw new RetryLater(`pg_rewind failed (attempt ${attempt}): ${reason}`, true);
    const aside = moveAside();
    log(`RE-CLONE (last resort): pg_rewind could not rejoin this member to ${leader} (${(error as Error).message}); the diverged data is kept in ${aside}`);
    await cloneFrom(leader);
    return "recloned";
  }
}
