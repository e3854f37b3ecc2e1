import { renderSyncNames, SyncManager, type SyncInputs } from "../../../images/postgres/agent/sync";

const options = { leader: "pgnode1", standbys: ["pgnode2", "pgnode3"], target: 1, degradeAfterMs: 1500, raiseWithinBytes: 1000n };
const streaming = (...names: Array<[string, bigint]>) => names.map(([name, flushLsn]) => ({ name, streaming: true, flushLsn }));
const inputs = (overrides: Partial<SyncInputs>): SyncInputs => ({ nowMs: 0, leaderLsn: 100n, replicas: [], ackedSet: undefined, ...overrides });

describe("synchronous_standby_names", () => {
  it("renders ANY k over the names, or nothing", () => {
    expect(renderSyncNames({ count: 1, names: ["pgnode2", "pgnode3"] })).toBe("ANY 1 (pgnode2, pgnode3)");
    expect(renderSyncNames({ count: 0, names: [] })).toBe("");
  });
});

describe("the leader's synchronous replication", () => {
  it("starts at full strength when the sync set it inherits names every member, and proposes that set", () => {
    const sync = new SyncManager(options, ["pgnode1", "pgnode2", "pgnode3"]);
    expect(sync.config).toEqual({ count: 1, names: ["pgnode2", "pgnode3"] });
    expect(sync.tick(inputs({ replicas: streaming(["pgnode2", 100n]) }))).toEqual({ propose: ["pgnode1", "pgnode2", "pgnode3"] });
    expect(sync.tick(inputs({ replicas: streaming(["pgnode2", 100n]), ackedSet: ["pgnode1", "pgnode2", "pgnode3"] }))).toEqual({});
  });

  it("a new leader elected under a reduced set requires every standby that set names before its first commit", () => {
    const sync = new SyncManager(options, ["pgnode1", "pgnode3"]);
    expect(sync.config).toEqual({ count: 1, names: ["pgnode3"] });
  });

  it("degrades only after the grace period, and only once a majority recorded the smaller sync set", () => {
    const sync = new SyncManager({ ...options, standbys: ["pgnode2"] }, ["pgnode1", "pgnode2"]);
    const acked = ["pgnode1", "pgnode2"];
    expect(sync.tick(inputs({ nowMs: 0, ackedSet: acked }))).toEqual({});
    expect(sync.tick(inputs({ nowMs: 1000, ackedSet: acked }))).toEqual({});
    // Grace over: first the smaller set, recorded by a majority …
    expect(sync.tick(inputs({ nowMs: 1600, ackedSet: acked }))).toEqual({ propose: ["pgnode1"] });
    expect(sync.config).toEqual({ count: 1, names: ["pgnode2"] });
    // … only then commits stop waiting.
    expect(sync.tick(inputs({ nowMs: 1700, ackedSet: ["pgnode1"] }))).toEqual({ config: { count: 0, names: [] } });
  });

  it("a leader elected to replace a lost one degrades at once when only that one is missing (still after a majority records it)", () => {
    const sync = new SyncManager({ ...options, standbys: ["pgnode2"], lostLeader: "pgnode2" }, ["pgnode1", "pgnode2"]);
    expect(sync.tick(inputs({ nowMs: 0, ackedSet: ["pgnode1", "pgnode2"] }))).toEqual({ propose: ["pgnode1"] });
    expect(sync.config).toEqual({ count: 1, names: ["pgnode2"] });
    expect(sync.tick(inputs({ nowMs: 100, ackedSet: ["pgnode1"] }))).toEqual({ config: { count: 0, names: [] } });
  });

  it("still grants the grace period when another standby is missing too, or once the lost leader came back and left again", () => {
    const both = new SyncManager({ ...options, lostLeader: "pgnode2" }, undefined);
    expect(both.tick(inputs({ nowMs: 0, ackedSet: ["pgnode1", "pgnode2", "pgnode3"] }))).toEqual({});
    expect(both.tick(inputs({ nowMs: 1000, ackedSet: ["pgnode1", "pgnode2", "pgnode3"] }))).toEqual({});

    const returned = new SyncManager({ ...options, standbys: ["pgnode2"], lostLeader: "pgnode2" }, ["pgnode1", "pgnode2"]);
    expect(returned.tick(inputs({ nowMs: 0, replicas: streaming(["pgnode2", 100n]), ackedSet: ["pgnode1", "pgnode2"] }))).toEqual({});
    expect(returned.tick(inputs({ nowMs: 100, ackedSet: ["pgnode1", "pgnode2"] }))).toEqual({});
    expect(returned.tick(inputs({ nowMs: 1000, ackedSet: ["pgnode1", "pgnode2"] }))).toEqual({});
  });

  it("does not degrade while enough standbys stream", () => {
    const sync = new SyncManager(options, undefined);
    for (const nowMs of [0, 5000, 10_000]) {
      expect(sync.tick(inputs({ nowMs, replicas: streaming(["pgnode3", 100n]), ackedSet: ["pgnode1", "pgnode2", "pgnode3"] }))).toEqual({});
    }
  });

  it("waits for the survivors to hold everything acknowledged before shrinking the sync set to them", () => {
    const sync = new SyncManager({ ...options, standbys: ["pgnode2", "pgnode3", "pgnode4"], target: 2 }, undefined);
    const acked = ["pgnode1", "pgnode2", "pgnode3", "pgnode4"];
    // Only pgnode2 streams: ANY 2 cannot be met.
    expect(sync.tick(inputs({ nowMs: 0, leaderLsn: 500n, replicas: streaming(["pgnode2", 400n]), ackedSet: acked }))).toEqual({});
    expect(sync.tick(inputs({ nowMs: 1600, leaderLsn: 500n, replicas: streaming(["pgnode2", 400n]), ackedSet: acked }))).toEqual({});
    expect(sync.tick(inputs({ nowMs: 1700, leaderLsn: 520n, replicas: streaming(["pgnode2", 500n]), ackedSet: acked }))).toEqual({ propose: ["pgnode1", "pgnode2"] });
    expect(sync.tick(inputs({ nowMs: 1800, leaderLsn: 520n, replicas: streaming(["pgnode2", 520n]), ackedSet: ["pgnode1", "pgnode2"] }))).toEqual({
      config: { count: 1, names: ["pgnode2"] },
    });
  });

  it("requires a returning standby again as soon as it streams close behind, and grows the sync set once it caught up", () => {
    const sync = new SyncManager({ ...options, standbys: ["pgnode2"] }, ["pgnode1"]);
    expect(sync.config).toEqual({ count: 0, names: [] });
    expect(sync.tick(inputs({ leaderLsn: 5000n, replicas: streaming(["pgnode2", 1000n]), ackedSet: ["pgnode1"] }))).toEqual({});
    // Within raiseWithinBytes: commits wait for it from now on …
    expect(sync.tick(inputs({ leaderLsn: 5000n, replicas: streaming(["pgnode2", 4500n]), ackedSet: ["pgnode1"] }))).toEqual({ config: { count: 1, names: ["pgnode2"] } });
    // … and it becomes electable once it holds what was acknowledged before the raise.
    expect(sync.tick(inputs({ leaderLsn: 5100n, replicas: streaming(["pgnode2", 4900n]), ackedSet: ["pgnode1"] }))).toEqual({});
    expect(sync.tick(inputs({ leaderLsn: 5200n, replicas: streaming(["pgnode2", 5000n]), ackedSet: ["pgnode1"] }))).toEqual({ propose: ["pgnode1", "pgnode2"] });
  });

  it("asynchronous: commits never wait, and every member stays electable", () => {
    const sync = new SyncManager({ ...options, target: 0 }, ["pgnode1"]);
    expect(sync.config).toEqual({ count: 0, names: [] });
    expect(sync.tick(inputs({ ackedSet: ["pgnode1"] }))).toEqual({ propose: ["pgnode1", "pgnode2", "pgnode3"] });
  });
});
