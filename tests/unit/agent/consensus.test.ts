import { afterVote, decideAck, decideVote, majority, standAsideFor, type VoterView, type VoteRequest } from "../../../images/postgres/agent/consensus";

const voter = (overrides: Partial<VoterView> = {}): VoterView => ({
  self: "pgnode2",
  kind: "data",
  state: { term: 4, leader: "pgnode1", syncSet: ["pgnode1", "pgnode2", "pgnode3"] },
  sinceLeaderMs: 5000,
  leaseReleased: false,
  leading: false,
  position: { timeline: 3, lsn: 1000n },
  timeoutMs: 3000,
  membersId: "m",
  ...overrides,
});
const request = (overrides: Partial<VoteRequest> = {}): VoteRequest => ({
  term: 5,
  candidate: "pgnode3",
  position: { timeline: 3, lsn: 1000n },
  membersId: "m",
  dryRun: false,
  ...overrides,
});

describe("a vote", () => {
  it("is granted to an up-to-date electable candidate of a newer term once the leader has been silent a whole timeout", () => {
    expect(decideVote(voter(), request())).toEqual({ grant: true });
  });

  it("is refused while the voter still hears the leader (no election while a primary is reachable)", () => {
    expect(decideVote(voter({ sinceLeaderMs: 2999 }), request())).toMatchObject({ grant: false, reason: expect.stringContaining("heard the leader") });
  });

  it("is granted before the timeout only when the leader handed its lease back (a planned handover)", () => {
    expect(decideVote(voter({ sinceLeaderMs: 10, leaseReleased: true }), request())).toEqual({ grant: true });
  });

  it("under the cold-start override goes to the forced member only", () => {
    expect(decideVote(voter({ forcedPrimary: "pgnode1" }), request())).toMatchObject({ grant: false, reason: expect.stringContaining("forced pgnode1") });
    expect(decideVote(voter({ forcedPrimary: "pgnode3" }), request())).toEqual({ grant: true });
  });

  it("is refused by the leader itself", () => {
    expect(decideVote(voter({ leading: true }), request())).toMatchObject({ grant: false });
  });

  it("is cast once per term: not for a second candidate, nor for an old term", () => {
    const state = afterVote(voter().state, request());
    expect(state).toMatchObject({ term: 5, votedFor: "pgnode3", leader: undefined });
    expect(decideVote(voter({ state }), request({ candidate: "pgnode1" }))).toMatchObject({ grant: false });
    expect(decideVote(voter({ state }), request({ term: 4 }))).toMatchObject({ grant: false });
    // Asking again for the same candidate in the same term gets the same answer.
    expect(decideVote(voter({ state }), request())).toEqual({ grant: true });
  });

  it("is refused to a candidate behind the voter's WAL, on the same or an older timeline", () => {
    expect(decideVote(voter(), request({ position: { timeline: 3, lsn: 999n } }))).toMatchObject({ grant: false });
    expect(decideVote(voter(), request({ position: { timeline: 2, lsn: 5000n } }))).toMatchObject({ grant: false });
    expect(decideVote(voter(), request({ position: { timeline: 4, lsn: 10n } }))).toEqual({ grant: true });
  });

  it("is refused by a data member that does not know its own WAL position exactly", () => {
    expect(decideVote(voter({ position: undefined }), request())).toMatchObject({ grant: false, reason: expect.stringContaining("unknown") });
  });

  it("from a witness checks no WAL, but still the sync set: a candidate that may lack acknowledged commits never wins", () => {
    const witness = voter({ kind: "witness", position: undefined, state: { term: 4, leader: "pgnode1", syncSet: ["pgnode1"] } });
    expect(decideVote(witness, request({ candidate: "pgnode2" }))).toMatchObject({ grant: false, reason: expect.stringContaining("may lack") });
    expect(decideVote({ ...witness, state: { term: 4, syncSet: ["pgnode1", "pgnode2"] } }, request({ candidate: "pgnode2" }))).toEqual({ grant: true });
  });

  it("is refused when voter and candidate disagree on the cluster's members", () => {
    expect(decideVote(voter(), request({ membersId: "other" }))).toMatchObject({ grant: false });
  });
});

describe("a heartbeat", () => {
  it("renews the lease of the leader of the voter's term, or of a newer term (adopting it and its sync set)", () => {
    expect(decideAck({ term: 4, leader: "pgnode1" }, { term: 4, leader: "pgnode1" })).toMatchObject({ ack: true });
    const newer = decideAck({ term: 4, leader: "pgnode1", votedFor: "pgnode1" }, { term: 6, leader: "pgnode3", syncSet: ["pgnode3"] });
    expect(newer).toEqual({ ack: true, state: { term: 6, leader: "pgnode3", votedFor: undefined, syncSet: ["pgnode3"] } });
  });

  it("of an older term is refused: a deposed or restarted former primary cannot renew its lease", () => {
    expect(decideAck({ term: 5, votedFor: "pgnode3" }, { term: 4, leader: "pgnode1" })).toMatchObject({ ack: false });
  });

  it("of the voter's term from another member than the one it voted for is refused", () => {
    expect(decideAck({ term: 5, votedFor: "pgnode3" }, { term: 5, leader: "pgnode1" })).toMatchObject({ ack: false });
    expect(decideAck({ term: 5, leader: "pgnode3" }, { term: 5, leader: "pgnode1" })).toMatchObject({ ack: false });
  });
});

describe("standing for election", () => {
  const self = { nodeId: 2, position: { timeline: 1, lsn: 100n } };
  it("waits while a peer still hears the leader", () => {
    expect(standAsideFor(self, [{ name: "pgnode3", nodeId: 3, hearsLeader: true, eligible: true }])).toBe("pgnode3");
  });

  it("waits for a peer with more WAL, or as much WAL and a lower node id", () => {
    expect(standAsideFor(self, [{ name: "pgnode3", nodeId: 3, hearsLeader: false, eligible: true, position: { timeline: 1, lsn: 101n } }])).toBe("pgnode3");
    expect(standAsideFor(self, [{ name: "pgnode1", nodeId: 1, hearsLeader: false, eligible: true, position: { timeline: 1, lsn: 100n } }])).toBe("pgnode1");
    expect(standAsideFor(self, [{ name: "pgnode3", nodeId: 3, hearsLeader: false, eligible: true, position: { timeline: 1, lsn: 100n } }])).toBeUndefined();
    expect(standAsideFor(self, [{ name: "pgnode1", nodeId: 1, hearsLeader: false, eligible: false, position: { timeline: 1, lsn: 900n } }])).toBeUndefined();
  });
});

it("a majority is more than half of the voters", () => {
  expect([1, 2, 3, 4, 5].map(majority)).toEqual([1, 2, 2, 3, 3]);
});
