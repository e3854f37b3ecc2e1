/** Choosing whom a leaving primary hands over to. Pure. */

/**
 * The order in which a leaving primary asks standbys to take over: those close
 * behind first (within 16MB: all of them catch up within the handover anyway),
 * then the one that restarted last — in a rolling update it already runs the
 * new version, so the update needs one handover, not two — then the most WAL.
 */
export function handoverOrder(
  a: { name: string; flushLsn: bigint },
  b: { name: string; flushLsn: bigint },
  leaderLsn: bigint,
  startedAt: Map<string, number>,
): number {
  const near = (replica: { flushLsn: bigint }) => (leaderLsn - replica.flushLsn <= 16n * 1024n * 1024n ? 0 : 1);
  if (near(a) !== near(b)) return near(a) - near(b);
  const younger = (startedAt.get(b.name) ?? 0) - (startedAt.get(a.name) ?? 0);
  if (younger !== 0) return younger;
  return a.flushLsn === b.flushLsn ? 0 : a.flushLsn > b.flushLsn ? -1 : 1;
}

/**
 * How long a leaving primary keeps renewing its lease while PostgreSQL stops cleanly (the shutdown
 * checkpoint): long enough for a slow checkpoint, short against the 60 s stop grace period.
 */
export const HANDOVER_LEASE_HOLD_MS = 10_000;

/**
 * What a handover's target learnt from the archive while the leaver still served writes: whether the
 * timeline after the leaver's already has a history file there (`undefined`: the archive did not say).
 */
export interface TimelineProbe {
  /** The leaver and its term: the probe is good for that handover only. */
  term: number;
  from: string;
  /** The leaver's timeline. */
  timeline: number;
  /** When the archive was asked (the agent's monotonic clock). */
  at: number;
  nextTimelineArchived: boolean | undefined;
}

/** How old a probe may be when the takeover comes: a handover asks for it just before it stops the leaver. */
export const TIMELINE_PROBE_VALID_MS = 30_000;

/**
 * Whether a handover's target may promote with restore_command answering from pg_wal (contract.ts,
 * STREAM_FIRST_FILE). While it promotes, PostgreSQL asks the archive for the next WAL segment, for the
 * next timelines' history (to number the new timeline) and for its parent's history; under load each
 * lookup took 250–670 ms of the write pause. In a handover the target received the leaver's WAL up to
 * its shutdown checkpoint, so the segment is not needed; the history of its own timeline must be in
 * pg_wal; and the new number is safe when the archive, asked moments before, had no history for the
 * next timeline (PostgreSQL's own lookup is no later than that: the new history reaches the archive
 * only after a promotion). No history of the next timeline may be in pg_wal either (PostgreSQL would
 * follow it). Otherwise it promotes against the archive, as a failover does.
 */
export function promotesFromLocalWal(
  probe: TimelineProbe | undefined,
  target: { timeline: number; parentHistoryLocal: boolean; nextHistoryLocal: boolean },
  now: number,
): boolean {
  if (!probe || probe.nextTimelineArchived !== false) return false;
  if (probe.timeline !== target.timeline || !target.parentHistoryLocal || target.nextHistoryLocal) return false;
  return now >= probe.at && now - probe.at <= TIMELINE_PROBE_VALID_MS;
}
