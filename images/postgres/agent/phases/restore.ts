/**
 * Restore: the first member of a new cluster whose stack says
 * `database.restore` bootstraps it from another stack's repository instead of
 * initdb — a pgBackRest restore of the newest backup before the target, then
 * recovery to that time (or to the end of the archive) and promotion onto a new
 * timeline. Like bootstrap it runs only when no member has data (a restore never
 * overwrites a cluster), leaves the server stopped, and its standbys then clone
 * from it as usual. The source repository is read-only here.
 */
import * as fs from "fs";
import * as path from "path";
import type { ClusterSpec, RestoreSpec } from "../../../../components/contract";
import { configPath, PGDATA, REPMGR_DB, ROLES, STANZA, WAL_COMMAND } from "../../../../components/contract";
import { initMarker, installConfig } from "../files";
import { log } from "../log";
import type { Postgres } from "../postgres";
import { run, sleep } from "../process";
import { reconcileRoles } from "./reconcile";
import { registerPrimary } from "./register";

const RESTORE_CONF = configPath("pgbackrestRestore");

/** pgBackRest's restore arguments for a target: the newest backup before it is chosen by pgBackRest itself. */
export function restoreArgs({ targetTime }: RestoreSpec): string[] {
  // To the end of the archive (type default), recovery ends and promotes by itself; a target needs the action said.
  const target = targetTime ? ["--type=time", `--target=${targetTime}`, "--target-action=promote"] : ["--type=default"];
  // Info level: the restore's size and duration go to the member's log (what an operator, and bench:backup, read).
  return [`--config=${RESTORE_CONF}`, `--stanza=${STANZA}`, ...target, "--target-timeline=latest", "--log-level-console=info", "restore"];
}

/**
 * The recovery settings, written after pgswarm's own configuration replaced what
 * the restore brought along: WAL from the source repository, the target, promotion.
 */
export function recoverySettings(targetTime: string | undefined): string {
  const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;
  return [
    "# Recovery of database.restore; removed once the restored cluster is promoted.",
    `restore_command = ${quote(`${WAL_COMMAND} pgbackrest archive-get %f "%p" --config=${RESTORE_CONF}`)}`,
    ...(targetTime ? [`recovery_target_time = ${quote(targetTime)}`, "recovery_target_inclusive = on"] : []),
    "recovery_target_action = 'promote'",
    "recovery_target_timeline = 'latest'",
    "",
  ].join("\n");
}

export async function restoreCluster(spec: ClusterSpec & { restore: RestoreSpec }, pg: Postgres, writeRuntime: () => void): Promise<void> {
  const { restore } = spec;
  const { targetTime } = restore;
  log(`restoring a new cluster from stack ${restore.from}'s backups to ${restore.time === "latest" ? "the end of its archive" : targetTime}`);
  initMarker.set();
  fs.rmSync(PGDATA, { recursive: true, force: true });
  fs.mkdirSync(PGDATA, { mode: 0o700 });
  await run("pgbackrest", restoreArgs(restore), { timeoutMs: 6 * 3600_000, echo: true });
  installConfig();
  fs.appendFileSync(path.join(PGDATA, "postgresql.auto.conf"), recoverySettings(targetTime));
  fs.rmSync(path.join(PGDATA, "standby.signal"), { force: true });
  writeRuntime();
  // Hot standby answers while WAL is replayed; the restore is done once recovery has promoted.
  await pg.start(300_000);
  for (;;) {
    // Recovery that ends before its target (a time past the archive's end) stops the server: PostgreSQL says why above.
    if (!pg.running) throw new Error("PostgreSQL stopped during recovery: the restore target is not in the source's archive");
    const [row] = await pg.query<{ recovering: boolean }>("SELECT pg_is_in_recovery() AS recovering", [], 10_000);
    if (!row.recovering) break;
    await sleep(500);
  }
  const [{ timeline }] = await pg.query<{ timeline: number }>("SELECT timeline_id AS timeline FROM pg_control_checkpoint()", [], 10_000);
  log(`recovery promoted the restored cluster (checkpoint timeline ${timeline})`);
  // The recovery target must not apply to this data directory ever again (a later standby start would stop there).
  installConfig();
  await reconcileRoles(spec, pg);
  const [repmgr] = await pg.query("SELECT 1 FROM pg_database WHERE datname = $1", [REPMGR_DB], 10_000);
  if (!repmgr) await pg.query(`CREATE DATABASE ${REPMGR_DB} OWNER ${ROLES.replication}`, [], 120_000);
  if (spec.topology !== "standalone") await registerPrimary();
  await pg.stop("fast");
  initMarker.clear();
  log("cluster restored");
}
