/**
 * npm run bench:backup -- [--runs N] [--scale K] [--keep]
 *
 * Backup and restore throughput and archive lag on the testbed, through the
 * product's own paths: a standalone stack filled by `pgbench -i -s K`, full
 * backups taken by its repository service (`npm run backup`'s path), restores
 * by new stacks with `database.restore` (latest), and the archive lag: from a
 * commit to its WAL segment being in the repository, with no other writes (so
 * archive_timeout is what closes the segment). Throughputs are pgBackRest's own
 * sizes and durations from its log (MB of database per second). Prints JSON,
 * then one summary line. Needs `npm run testbed:up`.
 */
import { ARCHIVE_TIMEOUT } from "../components/postgres/settings";
import { healEverything, memberLogs, primary, psql } from "../tests/harness/cluster";
import { deploy, destroy } from "../tests/harness/deploy";
import { eventually, execIn, runningTasks, waitConverged } from "../tests/harness/swarm";
import { dockerOn, MANAGER, requireTestbed } from "../tests/harness/testbed";
import { standaloneStack } from "../tests/e2e/stacks";
import { runCtl, lastJson } from "../tools/lib/ctlService";
import { backupSummaryLine, commandFigures, megabytesPerSecond } from "./lib/backupBench";
import { distribution } from "./stats";

const STACK = "benchbk";
const RESTORED = "benchbkr";
const REPOSITORY_NODE = "pgw1";
const progress = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function option(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} wants a positive whole number, got "${args[at + 1]}"`);
  return value;
}

const sourceStack = () => ({ ...standaloneStack(), "pgswarm:services": {} });
const restoringStack = () => ({
  ...standaloneStack(),
  "pgswarm:nodes": { pgm: { backups: true }, pgw1: { backups: true } },
  "pgswarm:database": { placement: { pgnode1: "pgm" }, walArchiving: "on", restore: { from: STACK, time: "latest" } },
  "pgswarm:backups": { node: REPOSITORY_NODE },
  "pgswarm:services": {},
});

async function waitPrimary(stack: string) {
  return eventually(async () => {
    const found = await primary(stack, ["pgnode1"]);
    if (!found) throw new Error(`${stack} has no primary yet`);
    return found;
  }, 900_000, 2000);
}

async function repositoryArchiveMax(stack: string): Promise<string | undefined> {
  const [repo] = await runningTasks(`${stack}_backup-repo`);
  const info = JSON.parse(await execIn(repo.node, repo.containerId, ["pgbackrest", "--stanza=pgswarm", "--log-level-console=off", "--output=json", "info"]))[0];
  return info.archive?.at(-1)?.max;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runs = option(args, "--runs", 3);
  const scale = option(args, "--scale", 20);
  await requireTestbed();
  await healEverything();
  for (const stack of [RESTORED, STACK]) await destroy(stack, { volumes: true });

  progress(`deploying ${STACK} (standalone; repository on ${REPOSITORY_NODE}) and filling it: pgbench -i -s ${scale}`);
  await deploy(STACK, sourceStack());
  await waitConverged(STACK);
  const member = await waitPrimary(STACK);
  await execIn(member.node, member.containerId, ["pgbench", "-i", "-q", "-s", String(scale), "-h", "/var/run/postgresql", "-U", "postgres", "app"], 1_800_000);
  const databaseBytes = Number(await psql(member, "SELECT pg_database_size('app')"));
  try {
    const backups: Array<{ label: string; bytes: number; ms: number }> = [];
    for (let run = 1; run <= runs; run++) {
      const result = lastJson((await runCtl(dockerOn(MANAGER), STACK, ["backup", "full"], 3_600_000)).output);
      if (!result?.ok) throw new Error(`backup ${run} failed: ${JSON.stringify(result)}`);
      const log = await memberLogs(STACK, "backup-repo");
      const section = log.slice(log.lastIndexOf("backup command begin"));
      backups.push({ label: result.made, ...commandFigures(section, "backup") });
      progress(`full backup ${run}: ${result.made} in ${backups.at(-1)!.ms} ms`);
    }

    const restores: Array<{ bytes: number; ms: number }> = [];
    for (let run = 1; run <= runs; run++) {
      await destroy(RESTORED, { volumes: true });
      await deploy(RESTORED, restoringStack());
      await waitPrimary(RESTORED);
      const log = await memberLogs(RESTORED, "pgnode1");
      restores.push(commandFigures(log.slice(log.lastIndexOf("restore command begin")), "restore"));
      progress(`restore ${run}: ${restores.at(-1)!.ms} ms`);
    }
    await destroy(RESTORED, { volumes: true });

    // The archive lag with nothing else writing: a commit, then its segment in the repository.
    const lags: number[] = [];
    for (let run = 1; run <= runs; run++) {
      await psql(member, `CREATE TABLE IF NOT EXISTS bench_archive_lag (at timestamptz); INSERT INTO bench_archive_lag VALUES (now())`);
      const committedAt = Date.now();
      const segment = await psql(member, "SELECT pg_walfile_name(pg_current_wal_lsn())");
      for (;;) {
        const max = await repositoryArchiveMax(STACK);
        if (max && max >= segment) break;
        if (Date.now() - committedAt > 600_000) throw new Error(`${segment} not archived after 10 minutes`);
        await sleep(200);
      }
      lags.push(Date.now() - committedAt);
      progress(`archive lag ${run}: ${lags.at(-1)} ms (${segment})`);
    }

    const report = {
      bench: "backup",
      runs,
      scale,
      databaseBytes,
      backups,
      backupMBps: distribution(backups.map((backup) => megabytesPerSecond(backup.bytes, backup.ms))),
      restores,
      restoreMBps: distribution(restores.map((restore) => megabytesPerSecond(restore.bytes, restore.ms))),
      archiveLagMs: distribution(lags),
      archiveTimeout: ARCHIVE_TIMEOUT,
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
    process.stdout.write(`${backupSummaryLine({ ...report, databaseMB: databaseBytes / 1024 ** 2 })}\n`);
  } finally {
    // The restoring stack mounts the source's repository volume: it goes first. A teardown error is
    // reported, never thrown, so it cannot hide the error that ended the bench.
    if (!args.includes("--keep")) {
      for (const stack of [RESTORED, STACK]) {
        await destroy(stack, { volumes: true }).catch((error: Error) => progress(`tearing down ${stack}: ${error.message}`));
      }
    }
  }
}

main().catch((error: Error) => {
  process.stderr.write(`bench:backup: ${error.message}\n`);
  process.exit(1);
});
