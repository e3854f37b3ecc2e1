import { handoverOrder, promotesFromLocalWal, TIMELINE_PROBE_VALID_MS } from "../../../images/postgres/agent/handover";

const MB = 1024n * 1024n;
const order = (replicas: Array<{ name: string; flushLsn: bigint }>, leaderLsn: bigint, started: Record<string, number>) =>
  [...replicas].sort((a, b) => handoverOrder(a, b, leaderLsn, new Map(Object.entries(started)))).map((replica) => replica.name);

describe("whom a leaving primary asks to take over", () => {
  it("prefers the standby that restarted last among those close behind (a rolling update then needs one handover)", () => {
    expect(order([{ name: "pgnode1", flushLsn: 100n * MB }, { name: "pgnode3", flushLsn: 99n * MB }], 100n * MB, { pgnode1: 1000, pgnode3: 5000 })).toEqual([
      "pgnode3",
      "pgnode1",
    ]);
  });

  it("puts a standby far behind last, however recently it started", () => {
    expect(order([{ name: "pgnode1", flushLsn: 100n * MB }, { name: "pgnode3", flushLsn: 50n * MB }], 100n * MB, { pgnode1: 1000, pgnode3: 5000 })).toEqual([
      "pgnode1",
      "pgnode3",
    ]);
  });

  it("takes the most WAL when nothing else tells them apart", () => {
    expect(order([{ name: "pgnode1", flushLsn: 99n * MB }, { name: "pgnode3", flushLsn: 100n * MB }], 100n * MB, {})).toEqual(["pgnode3", "pgnode1"]);
  });
});

describe("whether a handover's target promotes without asking the archive", () => {
  const probe = { term: 7, from: "pgnode1", timeline: 3, at: 10_000, nextTimelineArchived: false };
  const target = { timeline: 3, parentHistoryLocal: true, nextHistoryLocal: false };

  it("does when the archive, asked just before, had no history for the next timeline", () => {
    expect(promotesFromLocalWal(probe, target, 10_500)).toBe(true);
  });

  it("does not when the next timeline is already archived (a member promoted to it): the archive numbers the new one", () => {
    expect(promotesFromLocalWal({ ...probe, nextTimelineArchived: true }, target, 10_500)).toBe(false);
  });

  it("does not when the archive did not answer, or nobody asked it", () => {
    expect(promotesFromLocalWal({ ...probe, nextTimelineArchived: undefined }, target, 10_500)).toBe(false);
    expect(promotesFromLocalWal(undefined, target, 10_500)).toBe(false);
  });

  it("does not when the probe was for another timeline than the target's", () => {
    expect(promotesFromLocalWal(probe, { ...target, timeline: 4 }, 10_500)).toBe(false);
  });

  it("does not without its own timeline's history in pg_wal (the new history copies it)", () => {
    expect(promotesFromLocalWal(probe, { ...target, parentHistoryLocal: false }, 10_500)).toBe(false);
  });

  it("does not when pg_wal already holds a history of the next timeline (PostgreSQL would follow it)", () => {
    expect(promotesFromLocalWal(probe, { ...target, nextHistoryLocal: true }, 10_500)).toBe(false);
  });

  it("does not on a probe older than the bound", () => {
    expect(promotesFromLocalWal(probe, target, 10_000 + TIMELINE_PROBE_VALID_MS)).toBe(true);
    expect(promotesFromLocalWal(probe, target, 10_001 + TIMELINE_PROBE_VALID_MS)).toBe(false);
  });
});
