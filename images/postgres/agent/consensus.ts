/**
 * The election rules, as pure functions: when a member grants its vote, when it
 * acknowledges a leader's heartbeat (renewing that leader's lease), and when a
 * standby should stand for election. The member agent applies the decisions and
 * persists the state they return before answering.
 *
 * Safety in one paragraph: a member votes at most once per term, only after it
 * has not heard the leader for a whole timeout (or the leader released its
 * lease in a handover), only for a candidate that holds at least its own WAL and
 * that the leader last named as holding every acknowledged commit. A leader
 * keeps its lease only while a majority acknowledges it, and fences itself
 * before the lease could have lapsed for its voters. Any two majorities share a
 * member, so a new leader is elected only after the old one has stopped.
 */
import { atLeast, type Position } from "./lsn";
import type { MemberState } from "./state";

export const majority = (voters: number) => Math.floor(voters / 2) + 1;

export interface VoterView {
  self: string;
  kind: "data" | "witness";
  state: MemberState;
  /** Milliseconds since this member last acknowledged the current leader (or since it started). */
  sinceLeaderMs: number;
  /** The leader of `state.term` handed its lease back (a planned handover). */
  leaseReleased: boolean;
  /** This member leads and holds its lease. */
  leading: boolean;
  /** Its own WAL position, known exactly only while it runs as a standby. */
  position?: Position;
  timeoutMs: number;
  /** Identifies the set of voters; members that disagree on it do not elect together. */
  membersId: string;
  /** The operator's cold-start override (`database.failover.forcePrimary`): only this member may be elected. */
  forcedPrimary?: string;
}

export interface VoteRequest {
  term: number;
  candidate: string;
  position: Position;
  membersId: string;
  /** A pre-vote: would the member grant it? Nothing is recorded. */
  dryRun: boolean;
}

export type Decision = { grant: true } | { grant: false; reason: string };

export function decideVote(voter: VoterView, request: VoteRequest): Decision {
  const { state } = voter;
  if (request.membersId !== voter.membersId) {
    return { grant: false, reason: "we disagree on the cluster's members (a membership change is rolling out)" };
  }
  if (voter.forcedPrimary && request.candidate !== voter.forcedPrimary) {
    return { grant: false, reason: `the operator forced ${voter.forcedPrimary} as the primary (database.failover.forcePrimary)` };
  }
  if (voter.leading) return { grant: false, reason: `I lead term ${state.term}` };
  const sameTermAgain = request.term === state.term && state.votedFor === request.candidate;
  if (request.term <= state.term && !sameTermAgain) {
    return { grant: false, reason: `term ${request.term} is not newer than mine (${state.term})` };
  }
  if (!voter.leaseReleased && voter.sinceLeaderMs < voter.timeoutMs) {
    return { grant: false, reason: `I heard the leader ${state.leader ?? "(none)"} ${voter.sinceLeaderMs} ms ago` };
  }
  if (state.syncSet && !state.syncSet.includes(request.candidate)) {
    return { grant: false, reason: `${request.candidate} may lack acknowledged commits (holders: ${state.syncSet.join(", ")})` };
  }
  if (voter.kind === "data") {
    if (!voter.position) return { grant: false, reason: "my own WAL position is unknown (not running as a standby)" };
    if (!atLeast(request.position, voter.position)) {
      return { grant: false, reason: "the candidate is behind my WAL" };
    }
  }
  return { grant: true };
}

/** The state a member records when it grants a (real) vote. */
export function afterVote(state: MemberState, request: VoteRequest): MemberState {
  return { ...state, term: request.term, votedFor: request.candidate, leader: undefined };
}

export interface Heartbeat {
  term: number;
  leader: string;
  /** Members holding every acknowledged commit; a voter refuses to elect anyone else. */
  syncSet?: string[];
  /** The leader's current WAL position, so standbys can tell how far behind they are. */
  lsn?: string;
  timeline?: number;
}

export type AckDecision = { ack: true; state: MemberState } | { ack: false; reason: string };

export function decideAck(state: MemberState, heartbeat: Heartbeat): AckDecision {
  if (heartbeat.term < state.term) {
    return { ack: false, reason: `term ${heartbeat.term} is older than mine (${state.term})` };
  }
  if (heartbeat.term === state.term) {
    if (state.votedFor && state.votedFor !== heartbeat.leader) {
      return { ack: false, reason: `I voted for ${state.votedFor} in term ${state.term}` };
    }
    if (state.leader && state.leader !== heartbeat.leader) {
      return { ack: false, reason: `${state.leader} leads term ${state.term}` };
    }
  }
  const newTerm = heartbeat.term > state.term;
  return {
    ack: true,
    state: {
      ...state,
      term: heartbeat.term,
      leader: heartbeat.leader,
      votedFor: newTerm ? undefined : state.votedFor,
      syncSet: heartbeat.syncSet ?? state.syncSet,
    },
  };
}

/** What a standby knows about a peer when it considers standing for election. */
export interface PeerView {
  name: string;
  nodeId: number;
  /** The peer follows a leader it heard within the timeout: the leader is alive for someone. */
  hearsLeader: boolean;
  /** The peer runs as a standby and could stand itself. */
  eligible: boolean;
  position?: Position;
}

/**
 * Whether this standby should wait instead of standing: a reachable peer still
 * hears the leader (then the fault is ours), or a better candidate exists (further
 * WAL, or equal WAL and a lower node id), which saves a split vote.
 */
export function standAsideFor(self: { nodeId: number; position: Position }, peers: PeerView[]): string | undefined {
  for (const peer of peers) {
    if (peer.hearsLeader) return peer.name;
  }
  for (const peer of peers) {
    if (!peer.eligible || !peer.position) continue;
    const better =
      atLeast(peer.position, self.position) &&
      (!atLeast(self.position, peer.position) || peer.nodeId < self.nodeId);
    if (better) return peer.name;
  }
  return undefined;
}
