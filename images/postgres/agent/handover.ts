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
