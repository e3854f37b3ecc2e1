/**
 * pgswarm-runtime.conf: what the agent changes while PostgreSQL runs — whom a
 * standby follows, which standbys a primary waits for — plus the member's name.
 * postgresql.conf includes it last; a reload applies it (primary_conninfo is
 * reloadable since PostgreSQL 13), so following a new primary restarts nothing.
 */
import { POSTGRES_PORT, ROLES } from "../../../components/contract";

export interface RuntimeSettings {
  member: string;
  /** The member to stream from (standbys), or none, and its address on the DB network when known. */
  follow?: string;
  followAddress?: string;
  /** synchronous_standby_names (primaries), already rendered. */
  synchronousStandbyNames: string;
  /** How long a walreceiver waits for a dead primary's TCP connection. */
  connectTimeoutSeconds: number;
  /** A standby catching up with a leader it hears: retry streaming at CATCH_UP_WAL_RETRY_MS (see there). */
  catchingUp?: boolean;
}

/**
 * wal_retrieve_retry_interval while a standby hears its leader but does not stream from it (a new
 * primary, a switchover): after each failed attempt — the old primary gone, the new one not yet
 * promoted, the end of the old timeline reached — PostgreSQL waits this long before it streams
 * again, and commits on the new primary wait for a standby. Outside that window the stack's own
 * value (500ms) applies again, so a standby whose leader is unheard does not call restore_command
 * ten times a second; the reload that switches it also wakes a retry wait at once.
 */
export const CATCH_UP_WAL_RETRY_MS = 100;

const quote = (value: string) => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;

export function primaryConninfo(upstream: string, member: string, connectTimeoutSeconds: number, address?: string): string {
  // No password: libpq reads it from the postgres user's ~/.pgpass, written from the secret at start.
  // hostaddr: the WAL receiver connects without a DNS lookup (the agent keeps the address current).
  return [
    `host=${upstream}`,
    ...(address ? [`hostaddr=${address}`] : []),
    `port=${POSTGRES_PORT}`,
    `user=${ROLES.replication}`,
    `application_name=${member}`,
    `connect_timeout=${connectTimeoutSeconds}`,
    "keepalives=1",
    "keepalives_idle=2",
    "keepalives_interval=1",
    "keepalives_count=3",
  ].join(" ");
}

export function renderRuntimeConf(settings: RuntimeSettings): string {
  const lines = [
    "# Written by the pgswarm agent at run time; it is rewritten at every change.",
    `cluster_name = ${quote(settings.member)}`,
    `primary_conninfo = ${quote(settings.follow ? primaryConninfo(settings.follow, settings.member, settings.connectTimeoutSeconds, settings.followAddress) : "")}`,
    `primary_slot_name = ${quote(settings.follow ? slotName(settings.member) : "")}`,
    `synchronous_standby_names = ${quote(settings.synchronousStandbyNames)}`,
    "synchronous_commit = 'on'",
    ...(settings.follow && settings.catchingUp ? [`wal_retrieve_retry_interval = '${CATCH_UP_WAL_RETRY_MS}ms'`] : []),
  ];
  return `${lines.join("\n")}\n`;
}

/** Each member's physical replication slot on whichever member leads. */
export const slotName = (member: string) => member.replace(/[^a-z0-9_]/g, "_");
