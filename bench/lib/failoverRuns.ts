/**
 * The failover bench's record of each run, and which runs it explains line by line: the figures
 * alone cannot tell a slow failover from a second pause at the heal or from the overlay's gossip.
 */
import { explanation, type ScenarioResult } from "../../tests/harness/chaos";

/** The aim for an unplanned scenario's median write outage. */
export const OUTAGE_AIM_MS = 6000;
/** The limit for full redundancy after the heal. */
export const REDUNDANCY_LIMIT_MS = 60_000;
/** A pause this long or longer that began this long after the fault was caused by something later (the heal). */
const LATE_PAUSE_MS = 1000;
const LATE_START_MS = 2000;

/** The figures a run's record keeps as they are. */
type KeptFigures = "outageMs" | "outageFromMs" | "resumedMs" | "replicationMs" | "redundancyMs" | "primaryBefore" | "primaryAfter";
type RunFigures = Pick<ScenarioResult, KeptFigures | "lost" | "events" | "writeFailures">;

/** Why a run deserves its explanation in the log and the JSON; none for an ordinary run. */
export function unusualReasons(run: Pick<RunFigures, "outageMs" | "outageFromMs" | "redundancyMs">): string[] {
  const reasons: string[] = [];
  if (run.outageMs > OUTAGE_AIM_MS) reasons.push(`write outage ${run.outageMs} ms is past the aim of ${OUTAGE_AIM_MS} ms`);
  if (run.outageMs >= LATE_PAUSE_MS && run.outageFromMs > LATE_START_MS) {
    reasons.push(`the longest write pause (${run.outageMs} ms) began ${run.outageFromMs} ms after the fault, not at it`);
  }
  if (run.redundancyMs > REDUNDANCY_LIMIT_MS) reasons.push(`full redundancy took ${run.redundancyMs} ms after the heal, past ${REDUNDANCY_LIMIT_MS} ms`);
  return reasons;
}

export type RunRecord = Pick<ScenarioResult, KeptFigures> & {
  /** How many acknowledged commits were lost. */
  lost: number;
  /** Present for an unusual run only: why it is one, then the agents' events and the writer's failures. */
  unusual?: string[];
  explanation?: string[];
};

export function runRecord(run: RunFigures): RunRecord {
  const reasons = unusualReasons(run);
  return {
    outageMs: run.outageMs,
    outageFromMs: run.outageFromMs,
    resumedMs: run.resumedMs,
    replicationMs: run.replicationMs,
    redundancyMs: run.redundancyMs,
    primaryBefore: run.primaryBefore,
    primaryAfter: run.primaryAfter,
    lost: run.lost.length,
    ...(reasons.length > 0 ? { unusual: reasons, explanation: explanation(run) } : {}),
  };
}
