import { handoverOrder } from "../../../images/postgres/agent/handover";

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
