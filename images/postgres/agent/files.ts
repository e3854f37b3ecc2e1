/** The files a member keeps in its volume besides PostgreSQL's own: installed configuration, markers, ~/.pgpass. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { configPath, PGDATA, ROLES, secretFile, STATE_DIR, STREAM_FIRST_FILE, STREAM_FIRST_HOLD_S } from "../../../components/contract";

export function readSecret(credential: string): string {
  return fs.readFileSync(secretFile(credential), "utf8").trim();
}

/**
 * The rendered configuration, placed where PostgreSQL (and pg_rewind's single-user
 * recovery) reads it. postgresql.auto.conf is emptied: pgswarm's settings come from
 * the stack, and clones and rewinds must not leave an old primary_conninfo behind.
 */
export function installConfig(): void {
  place(path.join(PGDATA, "postgresql.conf"), fs.readFileSync(configPath("postgresql"), "utf8"));
  place(path.join(PGDATA, "pg_hba.conf"), fs.readFileSync(configPath("hba"), "utf8"));
  place(path.join(PGDATA, "postgresql.auto.conf"), "# pgswarm manages every setting through the stack file.\n");
}

/** Writes a file of ours in PGDATA, whatever mode an earlier copy (a clone, a rewind) left it with. */
function place(file: string, text: string): void {
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, text, { mode: 0o600 });
}

export function markStandby(standby: boolean): void {
  const signal = path.join(PGDATA, "standby.signal");
  if (standby) fs.writeFileSync(signal, "", { mode: 0o600 });
  else fs.rmSync(signal, { force: true });
}

/**
 * A postmaster.pid left by a container that was killed. Safe to remove only
 * because this container holds the volume lock and runs no postmaster: the PID
 * in it may belong to any process of this new container (pg_rewind's crash
 * recovery and PostgreSQL itself would refuse to start).
 */
export function clearStalePid(): void {
  fs.rmSync(path.join(PGDATA, "postmaster.pid"), { force: true });
}

/** restore_command skips the archive (WAL segments and timeline history) until the expiry written here (contract: STREAM_FIRST_FILE). */
export const streamFirst = {
  hold: () => fs.writeFileSync(STREAM_FIRST_FILE, `${Math.floor(Date.now() / 1000) + STREAM_FIRST_HOLD_S}\n`),
  release: () => fs.rmSync(STREAM_FIRST_FILE, { force: true }),
};

/** Present while a data directory is being created: an interrupted initdb or clone is redone, never served. */
const INIT_MARKER = path.join(STATE_DIR, "initialising");
export const initMarker = {
  set: () => {
    fs.mkdirSync(STATE_DIR, { recursive: true });
    fs.writeFileSync(INIT_MARKER, "");
  },
  clear: () => fs.rmSync(INIT_MARKER, { force: true }),
  present: () => fs.existsSync(INIT_MARKER),
};

/** ~/.pgpass with one line per (database, role, credential); libpq refuses it unless it is 0600. */
export function writePgpassFor(entries: Array<{ database: string; role: string; credential: string }>): void {
  const escape = (field: string) => field.replace(/\\/g, "\\\\").replace(/:/g, "\\:");
  const lines = entries.map(({ database, role, credential }) => `*:*:${database}:${escape(role)}:${escape(readSecret(credential))}`);
  const file = path.join(os.homedir(), ".pgpass");
  fs.writeFileSync(file, `${lines.join("\n")}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

/** A member's ~/.pgpass: the replication and superuser roles. */
export function writePgpass(): void {
  writePgpassFor([
    { database: "*", role: ROLES.replication, credential: "replication" },
    { database: "replication", role: ROLES.replication, credential: "replication" },
    { database: "*", role: ROLES.superuser, credential: "superuser" },
  ]);
}
