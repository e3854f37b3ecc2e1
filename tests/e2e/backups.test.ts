/**
 * Backups that survive a failover, restored for real: a replicated stack
 * archives to its repository service and backs up from a standby; rows are
 * written through the demo app (db-rw) before and after a time T and across a
 * failover; then new stacks restore from that repository — to T (exactly the
 * rows acknowledged before T) and to the end of the archive (every acknowledged
 * row, exactly once). Retention expires the oldest full backup, and a logical
 * dump restores into an empty database.
 */
import type * as Cluster from "../harness/cluster";
import type * as Swarm from "../harness/swarm";
import { MANAGER, nodeHost, requireTestbed } from "../harness/testbed";
import type { Writer as WriterClass } from "../harness/writer";
import { DEMO_PORT, replicatedStack, standaloneStack } from "./stacks";
import { deployTwice, destroyStack } from "./support";

jest.setTimeout(1_200_000);
const STACK = "bk";
const RESTORED_TO_T = "bkt";
const RESTORED_LATEST = "bkl";
const DATA = ["pgnode1", "pgnode2", "pgnode3"];
const APP_PORT = DEMO_PORT + 7;
/** Where the replicated stack's repository lives (the last backups node); restoring stacks put theirs there too. */
const REPOSITORY_NODE = "pgw2";
let cluster: typeof Cluster;
let swarm: typeof Swarm;

const sourceStack = () => {
  const config = replicatedStack({ appPort: APP_PORT, appReplicas: 2 });
  return { ...config, "pgswarm:backups": { node: REPOSITORY_NODE, retention: { full: 2 } } };
};

/** A standalone stack with no application that restores from the source's repository. */
function restoringStack(time: string, member: "pgw1" | "pgm"): Record<string, unknown> {
  const base = standaloneStack();
  return {
    ...base,
    "pgswarm:nodes": { pgm: { backups: true }, pgw1: { backups: true }, pgw2: { backups: true } },
    "pgswarm:database": { placement: { pgnode1: member }, walArchiving: "on", restore: { from: STACK, time } },
    "pgswarm:backups": { node: REPOSITORY_NODE },
    "pgswarm:services": {},
  };
}

function tool(script: string, args: string[], timeoutMs = 600_000): Promise<string> {
  const { execFile } = require("child_process") as typeof import("child_process");
  return new Promise((resolve, reject) =>
    execFile("npx", ["tsx", `tools/${script}.ts`, ...args], { env: { ...process.env, DOCKER_HOST: nodeHost(MANAGER) }, timeout: timeoutMs }, (error, stdout, stderr) =>
      error ? reject(new Error(`${script} ${args.join(" ")}: ${error.message}\n${stdout}${stderr}`)) : resolve(stdout),
    ),
  );
}

async function repository(stack: string): Promise<Swarm.RunningTask> {
  return swarm.eventually(async () => {
    const [task] = await swarm.runningTasks(`${stack}_backup-repo`);
    if (!task) throw new Error(`${stack}_backup-repo runs no task`);
    return task;
  }, 120_000);
}

async function repositoryInfo(stack: string): Promise<any> {
  const repo = await repository(stack);
  return JSON.parse(await swarm.execIn(repo.node, repo.containerId, ["pgbackrest", "--stanza=pgswarm", "--log-level-console=off", "--output=json", "info"]))[0];
}

/** Makes the primary close its current WAL segment and waits until the repository holds it. */
async function archiveCurrentWal(stack: string): Promise<string> {
  const primary = await cluster.waitFullRedundancy(stack, DATA, undefined, 240_000);
  // Something in the current segment (a switch of an empty one does nothing), its name, then the switch.
  await cluster.psql(primary, "SELECT pg_logical_emit_message(false, 'pgswarm-test', 'archive me')");
  const segment = await cluster.psql(primary, "SELECT pg_walfile_name(pg_current_wal_lsn())");
  await cluster.psql(primary, "SELECT pg_switch_wal()");
  await swarm.eventually(async () => {
    const max: string | undefined = (await repositoryInfo(stack)).archive?.at(-1)?.max;
    if (!max || max.slice(8) < segment.slice(8)) throw new Error(`${segment} not archived yet (archive ends at ${max})`);
  }, 120_000);
  return segment;
}

async function restoredValues(stack: string, prefix: string): Promise<string[]> {
  const primary = await swarm.eventually(async () => {
    const found = await cluster.primary(stack, ["pgnode1"]);
    if (!found) throw new Error(`${stack} has no primary yet`);
    return found;
  }, 600_000, 2000);
  const text = await cluster.psql(primary, `SELECT value FROM items WHERE value LIKE '${prefix}-%' ORDER BY value`, 60_000);
  return text.split("\n").filter(Boolean);
}

const writerFor = async (prefix: string): Promise<WriterClass> => {
  const { Writer } = require("../harness/writer") as typeof import("../harness/writer");
  const { appTargets } = require("../harness/chaos") as typeof import("../harness/chaos");
  return new Writer({ targets: await appTargets(STACK, APP_PORT), prefix, intervalMs: 100 }).start();
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sorted = (values: string[]) => [...values].sort();

beforeAll(async () => {
  await requireTestbed();
  jest.resetModules();
  cluster = require("../harness/cluster");
  await cluster.healEverything();
  for (const stack of [RESTORED_LATEST, RESTORED_TO_T, STACK]) await destroyStack(stack);
  await deployTwice(STACK, sourceStack());
  cluster = require("../harness/cluster");
  swarm = require("../harness/swarm");
  await swarm.waitConverged(STACK);
  await cluster.waitFullRedundancy(STACK, DATA, undefined, 240_000);
});

afterAll(async () => {
  await cluster?.healEverything();
  if (!process.env.PGSWARM_E2E_KEEP) for (const stack of [RESTORED_LATEST, RESTORED_TO_T, STACK]) await destroyStack(stack);
});

describe("backups and point-in-time restore", () => {
  const prefix = `pitr-${Date.now()}`;
  let beforeT: string[] = [];
  let acknowledged: string[] = [];
  let restoreTime = "";
  let firstFull = "";

  it("runs one repository service on the backups node, which every member archives to over TLS", async () => {
    const repo = await repository(STACK);
    expect(repo.node).toBe(REPOSITORY_NODE);
    // The stanza exists once a primary answered; the archive fills from whichever member is primary.
    const info = await swarm.eventually(async () => {
      const current = await repositoryInfo(STACK);
      if (current.status.code !== 2 && current.status.code !== 0) throw new Error(`stanza not ready: ${JSON.stringify(current.status)}`);
      return current;
    }, 120_000);
    expect(info.name).toBe("pgswarm");
    // No member keeps a repository of its own any more.
    for (const member of await cluster.members(STACK, DATA)) {
      const listing = await swarm.execIn(member.node, member.containerId, ["sh", "-c", "ls /var/lib/pgbackrest; ls /var/lib/postgresql/data"]);
      expect(listing.split("\n")).not.toContain("pgbackrest");
    }
  });

  it("npm run backup takes a full backup from a standby, and npm run backups lists it with its WAL range", async () => {
    const writer = await writerFor(`${prefix}-a`);
    await sleep(3000);
    const output = await tool("backup", [STACK, "full"]);
    expect(output).toMatch(/^backup bk: full \d{8}-\d{6}F in [\d.]+ s$/m);
    firstFull = /full (\d{8}-\d{6}F)/.exec(output)![1];
    // pgBackRest copied from a standby (it waits for the standby to replay to the backup's start), not the primary.
    const logs = await cluster.memberLogs(STACK, "backup-repo");
    expect(logs).toMatch(/backup start archive = [0-9A-F]{24}, lsn = /);
    expect(logs).toMatch(/replay on the standby reached /);
    const listing = await tool("backups", [STACK]);
    expect(listing).toContain(firstFull);
    expect(listing).toMatch(/earliest restorable time: \d{4}-\d\d-\d\dT/);
    const json = JSON.parse((await tool("backups", [STACK, "--json"])).trim().split("\n").pop()!);
    expect(json.backups.map((backup: { label: string }) => backup.label)).toContain(firstFull);
    expect(json.backups[0].wal.start).toMatch(/^[0-9A-F]{24}$/);

    // T: every write acknowledged so far is before it, and none is started within a second of it.
    await sleep(2000);
    await writer.stop();
    await sleep(1000);
    restoreTime = new Date().toISOString();
    await sleep(1000);
    beforeT = writer.acknowledged().map((attempt) => attempt.value);
    expect(beforeT.length).toBeGreaterThan(20);
  });

  it("keeps archiving across a failover: no gap, one archive, and pgbackrest check passes on the new primary", async () => {
    // A prefix of its own: the values after T never repeat one from before it.
    const writer = await writerFor(`${prefix}-b`);
    await sleep(3000);
    const before = await cluster.waitFullRedundancy(STACK, DATA, undefined, 120_000);
    await cluster.killContainer(before);
    const after = await swarm.eventually(async () => {
      const leader = await cluster.primary(STACK, DATA);
      if (!leader || leader.name === before.name) throw new Error("no new primary yet");
      return leader;
    }, 120_000, 500);
    await sleep(5000);
    await writer.stop();
    const afterT = writer.acknowledged().map((attempt) => attempt.value);
    expect(afterT.length).toBeGreaterThan(20);
    acknowledged = [...beforeT, ...afterT];
    expect(await swarm.execIn(after.node, after.containerId, ["pgbackrest", "--stanza=pgswarm", "--log-level-console=warn", "check"], 120_000)).not.toMatch(/ERROR/);
    await archiveCurrentWal(STACK);
    const info = await repositoryInfo(STACK);
    // One stanza, one database history: the new primary's timeline continues the same archive.
    expect(info.db).toHaveLength(1);
    expect(info.archive).toHaveLength(1);
    expect(info.archive[0].max.slice(0, 8)).not.toBe("00000001");
  });

  it("a stack with database.restore to T holds exactly the rows acknowledged before T", async () => {
    await deployTwice(RESTORED_TO_T, restoringStack(restoreTime, "pgw1"));
    const values = await restoredValues(RESTORED_TO_T, prefix);
    expect(sorted(values)).toEqual(sorted(beforeT));
    // Restored, then promoted onto a timeline of its own, and archiving into its own repository.
    const repoOfRestored = await repository(RESTORED_TO_T);
    expect(repoOfRestored.node).toBe(REPOSITORY_NODE);
    await destroyStack(RESTORED_TO_T);
  });

  it("a restore to latest holds every acknowledged row, including those after the failover, exactly once", async () => {
    await deployTwice(RESTORED_LATEST, restoringStack("latest", "pgm"));
    const values = await restoredValues(RESTORED_LATEST, prefix);
    expect(values.length).toBe(new Set(values).size);
    const missing = acknowledged.filter((value) => !values.includes(value));
    expect(missing).toEqual([]);
    await destroyStack(RESTORED_LATEST);
  });

  it("retention keeps the newest two full backups: the oldest one expires", async () => {
    await tool("backup", [STACK, "full"]);
    await tool("backup", [STACK, "full"]);
    const labels = ((await repositoryInfo(STACK)).backup as Array<{ label: string; type: string }>).filter((backup) => backup.type === "full").map((backup) => backup.label);
    expect(labels).toHaveLength(2);
    expect(labels).not.toContain(firstFull);
  });

  it("walArchiving off stops archiving honestly (archive_command /bin/true, no backup), and on again archives and backs up", async () => {
    const withArchiving = (walArchiving: "on" | "off") => {
      const config: Record<string, unknown> = sourceStack();
      return { ...config, "pgswarm:database": { ...(config["pgswarm:database"] as object), walArchiving } };
    };
    await deployTwice(STACK, withArchiving("off"));
    let primary = await cluster.waitFullRedundancy(STACK, DATA, undefined, 300_000);
    expect(await cluster.psql(primary, "SHOW archive_mode")).toBe("on");
    expect(await cluster.psql(primary, "SHOW archive_command")).toBe("/bin/true");
    const before = (await repositoryInfo(STACK)).archive[0].max;
    await cluster.psql(primary, "SELECT pg_logical_emit_message(false, 'pgswarm-test', 'not archived')");
    const unarchived = await cluster.psql(primary, "SELECT pg_walfile_name(pg_current_wal_lsn())");
    await cluster.psql(primary, "SELECT pg_switch_wal()");
    await sleep(5000);
    expect(unarchived > before).toBe(true);
    expect((await repositoryInfo(STACK)).archive[0].max).toBe(before);
    await expect(tool("backup", [STACK, "full"])).rejects.toThrow(/walArchiving is off/);

    await deployTwice(STACK, withArchiving("on"));
    primary = await cluster.waitFullRedundancy(STACK, DATA, undefined, 300_000);
    expect(await cluster.psql(primary, "SHOW archive_command")).toBe("/usr/local/bin/pgswarm-wal pgbackrest archive-push %p");
    await archiveCurrentWal(STACK);
    expect(await tool("backup", [STACK, "full"])).toMatch(/^backup bk: full \d{8}-\d{6}F in/m);
  });

  it("a logical dump (pg_dump -Fc from the read side) restores into an empty database", async () => {
    const primary = await cluster.waitFullRedundancy(STACK, DATA, undefined, 120_000);
    const count = Number(await cluster.psql(primary, `SELECT count(*) FROM items WHERE value LIKE '${prefix}-%'`));
    const output = await tool("backup", [STACK, "dump"]);
    const file = /dump (app-\S+\.dump)/.exec(output)![1];
    const repo = await repository(STACK);
    // A scratch server inside the repository's container: an empty database, the dump restored into it.
    const restored = await swarm.execIn(
      repo.node,
      repo.containerId,
      [
        "bash",
        "-c",
        `set -e; d=$(mktemp -d); initdb -D "$d" -A trust >/dev/null; pg_ctl -D "$d" -o "-k $d -c listen_addresses=''" -w start >/dev/null;
         createdb -h "$d" empty; pg_restore -h "$d" -d empty --no-owner --no-privileges /var/lib/pgbackrest/dumps/${file};
         psql -h "$d" -XAtq -d empty -c "SELECT count(*) FROM items WHERE value LIKE '${prefix}-%'"; pg_ctl -D "$d" -m immediate stop >/dev/null; rm -rf "$d"`,
      ],
      120_000,
    );
    expect(Number(restored.trim())).toBe(count);
  });
});
