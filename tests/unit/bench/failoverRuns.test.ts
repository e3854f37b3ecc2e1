/** The failover bench's per-run record: which runs it explains, and what it keeps of each. */
import { OUTAGE_AIM_MS, REDUNDANCY_LIMIT_MS, runRecord, unusualReasons } from "../../../bench/lib/failoverRuns";

const ordinary = {
  outageMs: 4100,
  outageFromMs: -40,
  resumedMs: 4060,
  replicationMs: 6200,
  redundancyMs: 30_000,
  primaryBefore: "pgnode1",
  primaryAfter: "pgnode2",
  lost: [] as string[],
  events: ["+3120 ms pgnode2: elected (term 4)"],
  writeFailures: ["http://192.168.213.10:8082: 503 × 38"],
};

describe("unusualReasons", () => {
  it("finds nothing unusual in a failover within the aim, paused at the fault, redundant within the limit", () => {
    expect(unusualReasons(ordinary)).toEqual([]);
  });

  it("names a write outage past the aim", () => {
    expect(unusualReasons({ ...ordinary, outageMs: OUTAGE_AIM_MS + 1 })).toEqual([`write outage ${OUTAGE_AIM_MS + 1} ms is past the aim of ${OUTAGE_AIM_MS} ms`]);
  });

  it("names a pause of a second or more that began well after the fault (a second pause at the heal)", () => {
    expect(unusualReasons({ ...ordinary, outageMs: 4289, outageFromMs: 18_270 })).toEqual([
      "the longest write pause (4289 ms) began 18270 ms after the fault, not at it",
    ]);
  });

  it("ignores a late gap too short to be a pause (a standby's cut leaves only the writer's own spacing)", () => {
    expect(unusualReasons({ ...ordinary, outageMs: 367, outageFromMs: 29_273 })).toEqual([]);
  });

  it("names full redundancy past the limit", () => {
    expect(unusualReasons({ ...ordinary, redundancyMs: REDUNDANCY_LIMIT_MS + 1 })).toEqual([
      `full redundancy took ${REDUNDANCY_LIMIT_MS + 1} ms after the heal, past ${REDUNDANCY_LIMIT_MS} ms`,
    ]);
  });
});

describe("runRecord", () => {
  it("keeps an ordinary run's figures and counts its lost commits, without an explanation", () => {
    const { events: _events, writeFailures: _failures, ...figures } = ordinary;
    expect(runRecord({ ...ordinary, lost: ["w-1"] })).toStrictEqual({ ...figures, lost: 1 });
  });

  it("gives an unusual run its reasons, then the agents' events and the writer's failures", () => {
    const record = runRecord({ ...ordinary, redundancyMs: 68_707 });
    expect(record.unusual).toEqual([`full redundancy took 68707 ms after the heal, past ${REDUNDANCY_LIMIT_MS} ms`]);
    expect(record.explanation).toEqual(["+3120 ms pgnode2: elected (term 4)", "write failed: http://192.168.213.10:8082: 503 × 38"]);
  });
});
