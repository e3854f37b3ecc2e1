/**
 * The backup repository's agent: it creates the stanza once a primary answers,
 * takes the scheduled backups (pgBackRest picks a healthy standby, else the
 * primary) and expires old ones by retention, takes the logical dumps and
 * keeps the newest few, and answers status and on-demand backups over the
 * agents' API. Jobs run one at a time.
 */
import * as fs from "fs";
import * as path from "path";
import { DUMPS_DIR, POSTGRES_PORT, REPO_PATH, STANZA, type BackupSpec } from "../../../../components/contract";
import { writePgpassFor } from "../files";
import { log } from "../log";
import { run, sleep } from "../process";
import { renderMetrics } from "./metrics";
import { dueBackup, dueDump, dumpFileName, expiredDumps, nextRuns, type BackupType } from "./schedule";

export type JobKind = BackupType | "dump";

/** The files that exist once a stanza was created in a repository. */
export function stanzaFiles(repoPath: string, stanza: string): string[] {
  return [path.join(repoPath, "archive", stanza, "archive.info"), path.join(repoPath, "backup", stanza, "backup.info")];
}

export interface JobResult {
  kind: JobKind;
  ok: boolean;
  startedAt: string;
  ms: number;
  /** The backup's label, or the dump's file. */
  made?: string;
  error?: string;
}

interface Job {
  kind: JobKind;
  done: Array<(result: JobResult) => void>;
}

export interface BackupInfo {
  label: string;
  type: string;
  start: string;
  stop: string;
  sizeBytes: number;
  repositoryBytes: number;
  wal: { start: string; stop: string };
}

const TICK_MS = 5000;
const INFO_EVERY_MS = 60_000;

export class Repository {
  private readonly queue: Job[] = [];
  private running?: Job;
  private stanza: { ok: boolean; message: string } = { ok: false, message: "not created yet" };
  private info?: { backups: BackupInfo[]; archive?: { min: string; max: string }; at: string; error?: string };
  private readonly last: Partial<Record<JobKind, JobResult>> = {};
  private checkedAt = new Date();

  constructor(private readonly spec: BackupSpec) {}

  /** An on-demand job: queued behind the running one; resolves when it has run. */
  request(kind: JobKind): Promise<JobResult> {
    return new Promise((resolve) => this.enqueue(kind, resolve));
  }

  status(): unknown {
    return {
      repository: "backup-repo",
      stanza: this.stanza,
      walArchiving: this.spec.walArchiving,
      schedule: { ...this.spec.schedule, dumps: this.spec.dumps.schedule ?? "off", dumpsKept: this.spec.dumps.keep },
      next: nextRuns(this.spec, new Date()),
      running: this.running?.kind,
      queued: this.queue.map((job) => job.kind),
      last: this.last,
      backups: this.info?.backups ?? [],
      archive: this.info?.archive,
      // The oldest backup's end: no time before it can be restored.
      earliestRestorable: this.info?.backups[0]?.stop,
      infoAt: this.info?.at,
      infoError: this.info?.error,
      dumps: this.dumps(),
    };
  }

  /** Prometheus text for the backup alerts (docs/monitoring.md). */
  metrics(): string {
    return renderMetrics({ backups: this.info?.backups ?? [], last: this.last, stanzaOk: this.stanza.ok });
  }

  async run(): Promise<never> {
    writeReaderPgpass(this.spec);
    let infoAt = 0;
    for (;;) {
      if (!this.stanza.ok) await this.createStanza();
      const now = new Date();
      const backup = dueBackup(this.spec.schedule, this.checkedAt, now);
      if (backup) this.enqueue(backup);
      if (dueDump(this.spec.dumps, this.checkedAt, now)) this.enqueue("dump");
      this.checkedAt = now;
      if (!this.running && this.queue.length > 0) void this.runNext();
      if (Date.now() - infoAt >= INFO_EVERY_MS && this.stanza.ok) {
        infoAt = Date.now();
        await this.refreshInfo();
      }
      await sleep(TICK_MS);
    }
  }

  private enqueue(kind: JobKind, done?: (result: JobResult) => void): void {
    const same = this.queue.find((job) => job.kind === kind);
    if (same) {
      if (done) same.done.push(done);
    } else {
      this.queue.push({ kind, done: done ? [done] : [] });
    }
    if (!this.running) void this.runNext();
  }

  private async runNext(): Promise<void> {
    const job = this.queue.shift();
    if (!job || this.running) {
      if (job) this.queue.unshift(job);
      return;
    }
    this.running = job;
    const started = Date.now();
    const result: JobResult = { kind: job.kind, ok: false, startedAt: new Date(started).toISOString(), ms: 0 };
    try {
      log(`${job.kind}: starting`);
      result.made = job.kind === "dump" ? await this.dump() : await this.backup(job.kind);
      result.ok = true;
      log(`${job.kind}: done in ${Date.now() - started} ms (${result.made})`);
    } catch (error) {
      result.error = (error as Error).message;
      log(`${job.kind}: failed: ${result.error}`);
    }
    result.ms = Date.now() - started;
    this.last[job.kind] = result;
    this.running = undefined;
    if (job.kind !== "dump") await this.refreshInfo();
    for (const done of job.done) done(result);
    if (this.queue.length > 0) void this.runNext();
  }

  /**
   * stanza-create is idempotent; it needs the primary, so it is retried until one answers.
   * A restarted repository whose stanza exists skips it: stanza-create holds the archive
   * lock while it looks for the primary, and every member's archive-push fails meanwhile.
   */
  private async createStanza(): Promise<void> {
    if (stanzaFiles(REPO_PATH, STANZA).every((file) => fs.existsSync(file)) || (await this.stanzaInRepository())) {
      this.stanza = { ok: true, message: "ok" };
      log(`stanza ${STANZA} exists`);
      return;
    }
    try {
      await run("pgbackrest", [`--stanza=${STANZA}`, "stanza-create"], { timeoutMs: 180_000 });
      this.stanza = { ok: true, message: "ok" };
      log(`stanza ${STANZA} ready`);
    } catch (error) {
      const message = (error as Error).message;
      if (message !== this.stanza.message) log(`stanza ${STANZA} not created yet (retried): ${message}`);
      this.stanza = { ok: false, message };
    }
  }

  /** Whether `pgbackrest info` finds the stanza (an S3 repository has no local files to look at); it takes no lock. */
  private async stanzaInRepository(): Promise<boolean> {
    try {
      return stanzaExists(await run("pgbackrest", [`--stanza=${STANZA}`, "--output=json", "--log-level-console=off", "info"], { timeoutMs: 60_000 }));
    } catch {
      return false;
    }
  }

  private async backup(type: BackupType): Promise<string> {
    if (!this.spec.walArchiving) throw new Error("database.walArchiving is off: a backup needs the WAL archive to be restorable");
    if (!this.stanza.ok) await this.createStanza();
    // Its progress lines (which member it copies from, the WAL range) go to the log.
    const output = await run("pgbackrest", [`--stanza=${STANZA}`, `--type=${type}`, "backup"], { timeoutMs: 12 * 3600_000, echo: true });
    return /new backup label = (\S+)/.exec(output)?.[1] ?? "backup";
  }

  /** pg_dump -Fc of the application database from the read side, written beside the repository. */
  private async dump(): Promise<string> {
    const { database, user, host, keep } = this.spec.dumps;
    fs.mkdirSync(DUMPS_DIR, { recursive: true });
    const file = path.join(DUMPS_DIR, dumpFileName(database, new Date()));
    const partial = `${file}.partial`;
    try {
      await run("pg_dump", ["-Fc", "-h", host, "-p", String(POSTGRES_PORT), "-U", user, "-d", database, "-f", partial, "--no-password"], {
        timeoutMs: 12 * 3600_000,
      });
      fs.renameSync(partial, file);
    } finally {
      fs.rmSync(partial, { force: true });
    }
    for (const old of expiredDumps(fs.readdirSync(DUMPS_DIR), keep)) fs.rmSync(path.join(DUMPS_DIR, old), { force: true });
    return path.basename(file);
  }

  private dumps(): Array<{ file: string; bytes: number }> {
    try {
      return fs
        .readdirSync(DUMPS_DIR)
        .filter((file) => file.endsWith(".dump"))
        .sort()
        .map((file) => ({ file, bytes: fs.statSync(path.join(DUMPS_DIR, file)).size }));
    } catch {
      return [];
    }
  }

  private async refreshInfo(): Promise<void> {
    try {
      const text = await run("pgbackrest", [`--stanza=${STANZA}`, "--output=json", "--log-level-console=off", "info"], { timeoutMs: 60_000 });
      this.info = { ...parseInfo(text), at: new Date().toISOString() };
    } catch (error) {
      this.info = { backups: this.info?.backups ?? [], archive: this.info?.archive, at: new Date().toISOString(), error: (error as Error).message };
    }
  }
}

const isoOf = (seconds: number) => new Date(seconds * 1000).toISOString();

/**
 * Whether `pgbackrest info --output=json` shows the stanza created: status ok (0) or no valid
 * backups yet (2). Missing stanza path (1) or data (3), or anything unclear, means stanza-create.
 */
export function stanzaExists(text: string): boolean {
  try {
    const [stanza] = JSON.parse(text) as any[];
    return [0, 2].includes(stanza?.status?.code);
  } catch {
    return false;
  }
}

/** The parts of `pgbackrest info --output=json` that status and the tools show. */
export function parseInfo(text: string): { backups: BackupInfo[]; archive?: { min: string; max: string } } {
  const [stanza] = JSON.parse(text) as any[];
  const backups: BackupInfo[] = (stanza?.backup ?? []).map((backup: any) => ({
    label: backup.label,
    type: backup.type,
    start: isoOf(backup.timestamp.start),
    stop: isoOf(backup.timestamp.stop),
    sizeBytes: backup.info?.size ?? 0,
    repositoryBytes: backup.info?.repository?.size ?? 0,
    wal: { start: backup.archive?.start, stop: backup.archive?.stop },
  }));
  const ranges = (stanza?.archive ?? []).filter((range: any) => range.min && range.max);
  const archive = ranges.length > 0 ? { min: ranges[0].min, max: ranges[ranges.length - 1].max } : undefined;
  return { backups, archive };
}

/** ~/.pgpass with the read role's password, for pg_dump (never on its command line). */
function writeReaderPgpass(spec: BackupSpec): void {
  writePgpassFor([{ database: "*", role: spec.dumps.user, credential: spec.dumps.credential }]);
}
