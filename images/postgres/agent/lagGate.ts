/**
 * Whether a streaming standby is within the read side's lag limit. Pure.
 *
 * The lag compares the leader's position from its last heartbeat with this standby's last replay
 * probe, each up to a few hundred milliseconds old: a burst of WAL (a bulk load, a VACUUM) puts
 * every standby "past the limit" for a moment. Leaving db-ro on that moment drove all of a pool's
 * new connections to the primary fallback at once, where they stayed. So a standby leaves only once
 * it has been past the limit for LAG_GRACE_MS; with the gate's tick it is out well within 3 s.
 */
export const LAG_GRACE_MS = 1000;

export interface LagVerdict {
  within: boolean;
  /** When it went past the limit (kept while it stays past), or undefined. */
  pastSince?: number;
}

export function judgeLag(lag: bigint, maxLag: bigint, pastSince: number | undefined, now: number): LagVerdict {
  if (lag <= maxLag) return { within: true };
  const since = pastSince ?? now;
  return { within: now - since < LAG_GRACE_MS, pastSince: since };
}
