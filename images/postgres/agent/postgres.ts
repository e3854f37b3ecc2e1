/**
 * The member's PostgreSQL server: started as a child of the agent (so the agent
 * always knows whether it runs), stopped cleanly or killed outright when the
 * member fences itself, and asked about its state over the local socket.
 *
 * The entry script holds an flock on the volume (fd 9) before the agent starts;
 * the postmaster inherits that descriptor, so the volume stays locked for as
 * long as any PostgreSQL process of this volume lives, even past the agent.
 */
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { Client as PgClient } from "pg";
import { PGDATA, POSTGRES_PORT, ROLES, RUNTIME_CONF, SOCKET_DIR } from "../../../components/contract";
import { clearStalePid } from "./files";
import { log } from "./log";
import { historyFileName, parseHistory, parseLsn, timelineOfWalFile, type Position, type TimelineSwitch } from "./lsn";
import { monotonicMs, run, sleep } from "./process";

/** The descriptor of the volume lock the entry script took (see images/postgres/pgswarm-entrypoint.sh). */
export const VOLUME_LOCK_FD = 9;

export interface PgStatus {
  inRecovery: boolean;
  /** The primary's WAL flush position. */
  currentLsn?: bigint;
  receivedLsn?: bigint;
  replayedLsn?: bigint;
  timeline: number;
  /** WAL receiver state ("streaming", "waiting", …), none when it does not run. */
  receiver?: string;
  /** The host the WAL receiver streams from. */
  sender?: string;
  replayAgeMs?: number;
  /** pg_stat_archiver and the archive_command in force (pgBackRest, or /bin/true with walArchiving off). */
  archiver?: ArchiverStatus;
}

export interface ArchiverStatus {
  command: string;
  archivedCount: number;
  lastArchivedWal?: string;
  lastArchivedAt?: string;
  failedCount: number;
  lastFailedWal?: string;
  lastFailedAt?: string;
}

export interface ReplicaRow {
  name: string;
  state: string;
  flushLsn: bigint;
  replayLsn: bigint;
  syncState: string;
}

type Channel = "probe" | "work";

export class Postgres {
  private child?: ChildProcess;
  /** Two connections: the health probe must never queue behind a long statement (a CHECKPOINT, a role change). */
  private clients: Partial<Record<Channel, PgClient>> = {};
  private exitListeners: Array<(code: number | null, signal: string | null) => void> = [];

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  onExit(listener: (code: number | null, signal: string | null) => void): void {
    this.exitListeners.push(listener);
  }

  hasData(): boolean {
    return fs.existsSync(path.join(PGDATA, "PG_VERSION"));
  }

  isStandbyData(): boolean {
    return fs.existsSync(path.join(PGDATA, "standby.signal"));
  }

  /**
   * Starts the postmaster and waits until it accepts connections — or, for a
   * standby (`untilListening`), only until it listens: reaching a consistent state
   * may need WAL it still has to stream, which the agent arranges meanwhile.
   */
  async start(timeoutMs = 300_000, untilListening = false): Promise<void> {
    if (this.running) return;
    clearStalePid();
    const stdio: Array<"ignore" | "inherit" | number> = ["ignore", "inherit", "inherit"];
    while (stdio.length < VOLUME_LOCK_FD) stdio.push("ignore");
    stdio.push(fs.existsSync(`/proc/self/fd/${VOLUME_LOCK_FD}`) ? VOLUME_LOCK_FD : "ignore");
    const child = spawn("postgres", ["-D", PGDATA], { stdio });
    this.child = child;
    child.on("exit", (code, signal) => {
      if (this.child === child) this.child = undefined;
      this.dropClient();
      for (const listener of this.exitListeners) listener(code, signal);
    });
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`PostgreSQL exited during start (${child.exitCode ?? child.signalCode})`);
      }
      try {
        await this.queryOn("probe", "SELECT 1", [], 2000);
        return;
      } catch (error) {
        if (untilListening && /not yet accepting connections|is starting up/.test((error as Error).message)) return;
        await sleep(100);
      }
    }
    throw new Error("PostgreSQL did not accept connections in time");
  }

  /** A clean stop: a fast shutdown writes a shutdown checkpoint and lets WAL senders pass everything on. */
  async stop(mode: "fast" | "immediate" = "fast", timeoutMs = 60_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.dropClient();
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(mode === "fast" ? "SIGINT" : "SIGQUIT");
    const timedOut = await Promise.race([exited.then(() => false), sleep(timeoutMs).then(() => true)]);
    if (timedOut) {
      log(`PostgreSQL did not stop within ${timeoutMs} ms: killing it`);
      await this.kill();
    }
  }

  /**
   * Fencing: SIGKILL to every PostgreSQL process, which works even on frozen
   * (SIGSTOPped) ones, so nothing of this server can accept a write afterwards.
   */
  async kill(): Promise<void> {
    const child = this.child;
    this.dropClient();
    const exited = child ? new Promise<void>((resolve) => child.once("exit", () => resolve())) : Promise.resolve();
    child?.kill("SIGKILL");
    await run("pkill", ["-KILL", "-x", "postgres"]).catch(() => undefined);
    await Promise.race([exited, sleep(5000)]);
  }

  private dropClient(channel?: Channel): void {
    for (const name of channel ? [channel] : (["probe", "work"] as Channel[])) {
      const client = this.clients[name];
      delete this.clients[name];
      client?.end().catch(() => undefined);
    }
  }

  private async connect(channel: Channel, timeoutMs: number): Promise<PgClient> {
    const existing = this.clients[channel];
    if (existing) return existing;
    const client = localClient("postgres", timeoutMs);
    client.on("error", () => {
      if (this.clients[channel] === client) delete this.clients[channel];
    });
    try {
      await client.connect();
    } catch (error) {
      client.end().catch(() => undefined);
      throw error;
    }
    this.clients[channel] = client;
    return client;
  }

  /**
   * Statements, one after another, in another database of this server (grants
   * that belong to that database), over a connection of their own that ends with them.
   */
  async runIn(database: string, statements: string[], timeoutMs: number): Promise<void> {
    const client = localClient(database, timeoutMs);
    client.on("error", () => undefined);
    try {
      await client.connect();
      for (const statement of statements) await client.query(statement);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** A statement on the work connection. */
  query<T = Record<string, any>>(sql: string, params: unknown[] = [], timeoutMs = 2000): Promise<T[]> {
    return this.queryOn<T>("work", sql, params, timeoutMs);
  }

  private async queryOn<T>(channel: Channel, sql: string, params: unknown[], timeoutMs: number): Promise<T[]> {
    const client = await this.connect(channel, timeoutMs);
    try {
      const result = await client.query({ text: sql, values: params, query_timeout: timeoutMs } as any);
      return result.rows as T[];
    } catch (error) {
      // A timed-out or broken connection is not reused.
      if (!/syntax|does not exist|violates|already exists|permission|duplicate/i.test((error as Error).message)) this.dropClient(channel);
      throw error;
    }
  }

  async status(timeoutMs: number): Promise<PgStatus> {
    const [row] = await this.queryOn<Record<string, any>>(
      "probe",
      `SELECT pg_is_in_recovery() AS recovery,
              CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_flush_lsn()::text END AS current,
              CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_walfile_name(pg_current_wal_flush_lsn()) END AS walfile,
              pg_last_wal_receive_lsn()::text AS received,
              pg_last_wal_replay_lsn()::text AS replayed,
              (SELECT timeline_id FROM pg_control_checkpoint()) AS checkpoint_tli,
              (SELECT status FROM pg_stat_wal_receiver) AS receiver,
              (SELECT received_tli FROM pg_stat_wal_receiver) AS received_tli,
              (SELECT sender_host FROM pg_stat_wal_receiver) AS sender,
              (extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::bigint AS replay_age_ms,
              current_setting('archive_command') AS archive_command,
              (SELECT row_to_json(a) FROM (SELECT archived_count, last_archived_wal, last_archived_time, failed_count,
                                                  last_failed_wal, last_failed_time FROM pg_stat_archiver) a) AS archiver`,
      [],
      timeoutMs,
    );
    const timeline = row.recovery
      ? Math.max(Number(row.received_tli ?? 0), Number(row.checkpoint_tli ?? 0), newestHistoryTimeline())
      : (timelineOfWalFile(row.walfile) ?? Number(row.checkpoint_tli));
    return {
      inRecovery: row.recovery,
      currentLsn: parseLsn(row.current),
      receivedLsn: parseLsn(row.received),
      replayedLsn: parseLsn(row.replayed),
      timeline,
      receiver: row.receiver ?? undefined,
      sender: row.sender ?? undefined,
      replayAgeMs: row.replay_age_ms === null ? undefined : Number(row.replay_age_ms),
      archiver: row.archiver && {
        command: row.archive_command,
        archivedCount: Number(row.archiver.archived_count),
        lastArchivedWal: row.archiver.last_archived_wal ?? undefined,
        lastArchivedAt: row.archiver.last_archived_time ?? undefined,
        failedCount: Number(row.archiver.failed_count),
        lastFailedWal: row.archiver.last_failed_wal ?? undefined,
        lastFailedAt: row.archiver.last_failed_time ?? undefined,
      },
    };
  }

  async replicas(timeoutMs: number): Promise<ReplicaRow[]> {
    const rows = await this.queryOn<Record<string, any>>(
      "probe",
      "SELECT application_name, state, flush_lsn::text AS flush, replay_lsn::text AS replay, sync_state FROM pg_stat_replication",
      [],
      timeoutMs,
    );
    return rows.map((row) => ({
      name: row.application_name,
      state: row.state,
      flushLsn: parseLsn(row.flush) ?? 0n,
      replayLsn: parseLsn(row.replay) ?? 0n,
      syncState: row.sync_state,
    }));
  }

  async reload(): Promise<void> {
    await this.query("SELECT pg_reload_conf()");
  }

  /** The timeline history a primary on `timeline` descends through (empty on timeline 1). */
  history(timeline: number): TimelineSwitch[] {
    const file = path.join(PGDATA, "pg_wal", historyFileName(timeline));
    return fs.existsSync(file) ? parseHistory(fs.readFileSync(file, "utf8")) : [];
  }

  /** Whether pg_wal holds the history of `timeline` (timeline 1 has none and needs none). */
  hasHistory(timeline: number): boolean {
    return timeline === 1 || fs.existsSync(path.join(PGDATA, "pg_wal", historyFileName(timeline)));
  }

  /** Where the last checkpoint of a stopped server is (after a clean stop: the shutdown checkpoint). */
  async checkpointPosition(): Promise<Position> {
    return parseControlData(await run("pg_controldata", ["-D", PGDATA])).position;
  }

  /**
   * A fast stop that returns once the shutdown checkpoint is written (the control file says "shut down"):
   * from then on no write is possible and the WAL ends at that checkpoint. The postmaster may still be
   * waiting for its archiver to push the last segment (PostgreSQL switches segments at shutdown), which a
   * repository slow to answer held for 5 s in CI. `exited` resolves once the postmaster is gone.
   */
  async stopAtShutdownCheckpoint(timeoutMs = 60_000): Promise<{ position: Position; exited: Promise<void> }> {
    const child = this.child;
    if (!child || !this.running) return { position: await this.checkpointPosition(), exited: Promise.resolve() };
    this.dropClient();
    let gone = false;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve())).then(() => {
      gone = true;
    });
    child.kill("SIGINT");
    const deadline = monotonicMs() + timeoutMs;
    for (;;) {
      if (gone) return { position: await this.checkpointPosition(), exited };
      const control = await run("pg_controldata", ["-D", PGDATA]).then(parseControlData, () => undefined);
      if (control?.state === "shut down") return { position: control.position, exited };
      if (monotonicMs() > deadline) {
        log(`PostgreSQL did not stop within ${timeoutMs} ms: killing it`);
        await this.kill();
        return { position: await this.checkpointPosition(), exited };
      }
      await sleep(50);
    }
  }

  writeRuntimeConf(text: string): boolean {
    const file = path.join(PGDATA, RUNTIME_CONF);
    if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === text) return false;
    fs.writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
    fs.renameSync(`${file}.tmp`, file);
    return true;
  }
}

/** A client of this server over the local socket, as the superuser (peer authentication). */
function localClient(database: string, timeoutMs: number): PgClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client } = require("pg") as typeof import("pg");
  return new Client({
    host: SOCKET_DIR,
    port: POSTGRES_PORT,
    user: ROLES.superuser,
    database,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    application_name: "pgswarm-agent",
  } as ConstructorParameters<typeof Client>[0]);
}

function newestHistoryTimeline(): number {
  try {
    return Math.max(
      0,
      ...fs
        .readdirSync(path.join(PGDATA, "pg_wal"))
        .filter((name) => /^[0-9A-F]{8}\.history$/.test(name))
        .map((name) => parseInt(name.slice(0, 8), 16)),
    );
  } catch {
    return 0;
  }
}

/** What pg_controldata says of the cluster's state and its latest checkpoint. */
export function parseControlData(text: string): { state?: string; position: Position } {
  const field = (label: string) => new RegExp(`^${label}:[ \\t]*(.+?)[ \\t]*$`, "m").exec(text)?.[1];
  return {
    state: field("Database cluster state"),
    position: {
      lsn: parseLsn(field("Latest checkpoint location")) ?? 0n,
      timeline: Number(field("Latest checkpoint's TimeLineID") ?? 0),
    },
  };
}
