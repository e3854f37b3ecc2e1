/**
 * One DB member's life after start: the run phase of the agent. It plays one
 * role at a time — primary holding a lease, standby following the leader,
 * candidate in an election, stopped (a fenced or restarted former primary
 * waiting to learn who leads), or witness — and moves between them only by
 * the rules in consensus.ts. Bootstrap, join and rejoin are in phases/.
 */
import * as fs from "fs";
import type { ClusterMember, ClusterSpec } from "../../../components/contract";
import { PGDATA, STANZA } from "../../../components/contract";
import { afterVote, decideAck, decideVote, majority, standAsideFor, type Heartbeat, type PeerView, type VoteRequest } from "./consensus";
import { initMarker, installConfig, markStandby, streamFirst } from "./files";
import { log } from "./log";
import { applyLoginVerifiers, loginRequestProblem, type LoginVerifier } from "./logins";
import { gather } from "./gather";
import { formatLsn, hasDiverged, parseLsn, type Position, type TimelineSwitch } from "./lsn";
import type { Peers } from "./peers";
import { bootstrap } from "./phases/bootstrap";
import { restoreCluster } from "./phases/restore";
import { cloneFrom } from "./phases/join";
import { reconcileRoles } from "./phases/reconcile";
import { bestEffort, registerPrimary, registerStandby } from "./phases/register";
import { rejoin, RetryLater } from "./phases/rejoin";
import type { ArchiverStatus, PgStatus, Postgres, ReplicaRow } from "./postgres";
import { monotonicMs, run, sleep } from "./process";
import { HANDOVER_LEASE_HOLD_MS, handoverOrder, promotesFromLocalWal, type TimelineProbe } from "./handover";
import { archiveHasHistory } from "./archiveProbe";
import { judgeLag } from "./lagGate";
import { resolvePeer } from "./resolve";
import { renderRuntimeConf, slotName } from "./runtimeConf";
import { sameState, type MemberState, type StateFile } from "./state";
import { renderSyncNames, SyncManager } from "./sync";

export type Phase =
  | "starting"
  | "bootstrapping"
  | "cloning"
  | "rejoining"
  | "stopped"
  | "standby"
  | "candidate"
  | "promoting"
  | "primary"
  | "demoting"
  | "witness"
  | "stopping";

/** What /status says about a member; peers read it to decide bootstraps, clones and elections. */
const AGENT_STARTED_AT = Date.now();
/** How long a handover's target may ask the archive about the next timeline; no answer: it promotes against the archive. */
const TIMELINE_PROBE_TIMEOUT_MS = 3000;



/** Whether two member lists name the same members. */
export const sameMembers = (a: string[] | undefined, b: string[] | undefined): boolean =>
  a !== undefined && b !== undefined && JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

export interface MemberStatus {
  name: string;
  kind: "data" | "witness";
  phase: Phase;
  role: "primary" | "standby" | "witness" | "none";
  term: number;
  leader?: string;
  ledTerm?: number;
  syncSet?: string[];
  heardLeaderMsAgo: number;
  leaseValid: boolean;
  empty: boolean;
  postgres?: {
    healthy: boolean;
    inRecovery: boolean;
    timeline: number;
    lsn?: string;
    receivedLsn?: string;
    replayedLsn?: string;
    receiver?: string;
    sender?: string;
    lagBytes?: string;
    replayAgeMs?: number;
    archiver?: ArchiverStatus;
  };
  position?: { timeline: number; lsn: string };
  synchronousStandbyNames?: string;
  replicas?: Array<{ name: string; state: string; flushLsn: string; replayLsn: string; syncState: string }>;
  history?: Array<{ parent: number; switchpoint: string }>;
  /** When this agent started (epoch ms): a handover prefers a standby that restarted last (in a rolling update, already updated). */
  startedAt: number;
  /** Diagnostics: whom the WAL receiver is pointed at, and whether the agent's loop is busy or stuck. */
  following?: { member?: string; address?: string };
  busy: boolean;
  tickAgeMs: number;
}

interface Timing {
  heartbeatMs: number;
  timeoutMs: number;
  /** The leader's lease is shorter than its voters' patience by this much: room to fence first. */
  marginMs: number;
  tickMs: number;
}

export class Member {
  readonly me: ClusterMember;
  private readonly others: ClusterMember[];
  private readonly quorum: number;
  private readonly membersId: string;
  private readonly timing: Timing;
  state: MemberState;
  phase: Phase = "starting";

  private lastRoundLog = 0;
  /**
   * Where a primary that handed over stopped cleanly: its WAL ends exactly there, so it can still vote in the
   * election it asked for (for a candidate that holds all of it) while the third member may be unreachable.
   */
  private cleanStopPosition?: Position;
  private lastStreamingAt = -Infinity;
  private lastLeaderAt = monotonicMs(); // as if a leader was heard at start: no vote before a full timeout
  /** When a leader's heartbeat last arrived (none since start: undefined), for what this member tells its peers. */
  private heardLeaderAt?: number;
  /** A long operation (bootstrap, clone, rejoin, start) ran in this round of the loop: its length is expected. */
  private longOperationRan = false;
  private releasedTerm?: number;
  /** The term whose leader fenced itself and handed its lease back: no need to wait out the timeout to elect. */
  private fencedLeaderTerm?: number;
  private leaseUntil = 0;
  /** When this member started to lead (won an election or got its lease back). */
  private leadingSince = 0;
  /** When this member last stopped serving (fenced, crashed, restarted). */
  private stoppedAt = monotonicMs();
  private lastRoundAt = 0;
  private lastTickAt = monotonicMs();
  private pgStatus?: PgStatus;
  private pgHealthyAt = 0;
  private replayed?: bigint;
  private replayedSince = 0;
  private leaderInfo?: { lsn?: bigint; timeline?: number };
  private sync?: SyncManager;
  private ackedSet?: string[];
  private proposedSet?: string[];
  private replicas: ReplicaRow[] = [];
  private following?: string;
  private followingAddress?: string;
  private syncNames = "";
  private busy = false;
  private stopping = false;
  private chores: Array<{ name: string; run: () => Promise<void>; attempts: number; nextAt: number }> = [];
  private choreRunning = false;
  private registeredUpstream?: string;
  private streamingProblemSince?: number;
  /** Whether the runtime conf asks for fast streaming retries (runtimeConf.ts, CATCH_UP_WAL_RETRY_MS). */
  private catchingUp = false;
  /** When the stream-first expiry was last written (files.ts streamFirst), or -Infinity when released. */
  private streamFirstAt = -Infinity;
  /** What the archive said, at a leaver's request, of the timeline after its own (handover.ts, promotesFromLocalWal). */
  private timelineProbe?: TimelineProbe;
  /** When this standby went past the read side's lag limit (lagGate.ts), while it stays past it. */
  private lagPastSince?: number;
  private standAsideSince?: number;
  private probing?: Promise<void>;
  /** When each kind of waiting line (its first words) was last logged. */
  private readonly lastWaitLog = new Map<string, number>();
  /** Failed rewinds in a row (a re-clone is the last resort, after retries). */
  private rewindFailures = 0;

  constructor(
    private readonly spec: ClusterSpec,
    name: string,
    private readonly stateFile: StateFile,
    private readonly pg: Postgres,
    private readonly peers: Peers,
  ) {
    const me = spec.members.find((member) => member.name === name);
    if (!me) throw new Error(`member ${name} is not in cluster.json (${spec.members.map((member) => member.name).join(", ")})`);
    this.me = me;
    this.others = spec.members.filter((member) => member.name !== name);
    // The cold-start override: the forced member needs no one's vote or acknowledgement.
    this.quorum = spec.forcePrimary === name ? 1 : majority(spec.members.length);
    this.membersId = spec.members.map((member) => `${member.name}:${member.kind}`).sort().join(",");
    this.timing = {
      heartbeatMs: spec.heartbeatMs,
      timeoutMs: spec.timeoutMs,
      marginMs: Math.max(spec.heartbeatMs, Math.round(spec.timeoutMs / 4)),
      tickMs: Math.max(50, Math.min(250, Math.round(spec.heartbeatMs / 2))),
    };
    this.state = stateFile.load();
    pg.onExit((code, signal) => this.onPostgresExit(code, signal));
  }

  // ---------------------------------------------------------------- start and loop

  async run(): Promise<void> {
    this.start();
    void this.probeLoop();
    while (!this.stopping) {
      this.lastTickAt = monotonicMs();
      const phase = this.phase;
      this.longOperationRan = false;
      try {
        await this.tick();
      } catch (error) {
        log(`${this.phase}: ${(error as Error).message}`);
      }
      // A slow step delays what the loop decides (an election, a fence): say so, it explains a slow failover.
      const tookMs = monotonicMs() - this.lastTickAt;
      if (tookMs > this.timing.timeoutMs / 3 && !this.longOperationRan && phase !== "starting") {
        this.waitLog(`slow loop: one round as ${phase} took ${tookMs} ms`);
      }
      await sleep(this.timing.tickMs);
    }
  }

  private start(): void {
    log(`starting as ${this.me.kind} member (term ${this.state.term}${this.state.leader ? `, leader ${this.state.leader}` : ""})`);
    if (this.me.kind === "witness") {
      this.phase = "witness";
      return;
    }
    if (initMarker.present() || (fs.existsSync(PGDATA) && !this.pg.hasData())) {
      log(`an interrupted initialisation or clone left ${PGDATA} behind: starting it again`);
      fs.rmSync(PGDATA, { recursive: true, force: true });
      initMarker.clear();
    }
    if (!this.pg.hasData()) {
      this.phase = "starting";
      return;
    }
    installConfig();
    if (this.state.term === 0 && !this.pg.isStandbyData() && this.state.ledTerm === undefined) {
      // A volume from before the agent kept state: its primary led "term 0".
      this.save({ ...this.state, ledTerm: 0 });
    }
    this.phase = "stopped";
  }

  private async tick(): Promise<void> {
    if (this.busy || this.stopping) return;
    await this.refreshPostgres();
    switch (this.phase) {
      case "starting":
        return this.whileEmpty();
      case "stopped":
        return this.whileStopped();
      case "standby":
        return this.asStandby();
      case "promoting":
      case "primary":
        return this.asLeader();
    }
  }

  /** One long operation at a time (bootstrap, clone, rejoin); heartbeats and votes are still answered meanwhile. */
  private async exclusive(phase: Phase, operation: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.longOperationRan = true;
    this.phase = phase;
    try {
      await operation();
    } finally {
      this.busy = false;
    }
  }

  private save(state: MemberState): void {
    if (sameState(state, this.state)) return;
    this.stateFile.save(state);
    this.state = state;
  }

  private now(): number {
    return monotonicMs();
  }

  // ---------------------------------------------------------------- PostgreSQL

  private get healthy(): boolean {
    return this.pg.running && this.now() - this.pgHealthyAt < Math.max(1000, this.timing.timeoutMs / 2);
  }

  /**
   * PostgreSQL's health and position, probed on their own clock. Probed only at the start of a
   * tick, they went stale while the tick waited on a vanished leader (its DNS lookup, its status
   * request): the standbys then called their own WAL position unknown, refused each other's votes,
   * and a killed primary's failover took 8-9 s instead of 4.
   */
  private async probeLoop(): Promise<void> {
    while (!this.stopping) {
      await this.refreshPostgres();
      await sleep(this.timing.tickMs);
    }
  }

  private refreshPostgres(): Promise<void> {
    // One probe at a time: callers that want a fresh answer wait for the one in flight.
    this.probing ??= this.probePostgres().finally(() => (this.probing = undefined));
    return this.probing;
  }

  private async probePostgres(): Promise<void> {
    if (!this.pg.running) {
      this.pgStatus = undefined;
      return;
    }
    try {
      const status = await this.pg.status(Math.max(500, Math.min(1500, Math.round(this.timing.timeoutMs / 3))));
      this.pgStatus = status;
      this.pgHealthyAt = this.now();
      if (status.replayedLsn !== this.replayed) {
        this.replayed = status.replayedLsn;
        this.replayedSince = this.now();
      }
    } catch {
      // Health lapses on its own: a frozen or overloaded server stops renewing the lease.
    }
  }

  /** This member's WAL position, when it is known exactly (a standby that finished replaying its local WAL). */
  position(): Position | undefined {
    const status = this.pgStatus;
    if (!status || !status.inRecovery || !this.healthy) return undefined;
    const received = status.receivedLsn ?? 0n;
    const replayed = status.replayedLsn ?? 0n;
    const settled = status.receivedLsn !== undefined || this.now() - this.replayedSince >= 1000;
    if (!settled) return undefined;
    return { timeline: status.timeline, lsn: received > replayed ? received : replayed };
  }

  private writeRuntime(): boolean {
    return this.pg.writeRuntimeConf(
      renderRuntimeConf({
        member: this.me.name,
        follow: this.following,
        followAddress: this.following ? this.followingAddress : undefined,
        synchronousStandbyNames: this.syncNames,
        connectTimeoutSeconds: Math.max(1, Math.round(this.timing.timeoutMs / 2000)),
        catchingUp: this.catchingUp,
      }),
    );
  }

  private async applyRuntime(): Promise<void> {
    if (this.writeRuntime() && this.pg.running) await this.pg.reload();
  }

  private onPostgresExit(code: number | null, signal: string | null): void {
    if (this.stopping || this.busy) return;
    if (["primary", "promoting", "standby", "candidate"].includes(this.phase)) {
      log(`PostgreSQL exited (${code ?? signal}) while ${this.phase}`);
      this.becomeStopped();
    }
  }

  private becomeStopped(): void {
    this.phase = "stopped";
    this.stoppedAt = this.now();
    this.chores = [];
    this.sync = undefined;
    this.leaseUntil = 0;
    this.proposedSet = undefined;
    this.ackedSet = undefined;
  }

  // ---------------------------------------------------------------- no data yet

  private async whileEmpty(): Promise<void> {
    const statuses = await this.peerStatuses();
    const leader = statuses.find((status) => status?.role === "primary" && status.leaseValid);
    if (leader) {
      return this.exclusive("cloning", async () => {
        try {
          await cloneFrom(leader.name);
          await this.startStandby(leader.name);
        } catch (error) {
          log(`clone from ${leader.name} failed: ${(error as Error).message}`);
          this.phase = "starting";
          await sleep(2000);
        }
      });
    }
    if (this.me.name === this.spec.initialPrimary) {
      const answered = statuses.filter((status): status is MemberStatus => status !== undefined);
      const anyCluster = answered.some((status) => !status.empty || status.term > 0);
      if (!anyCluster && 1 + answered.length >= this.quorum) {
        return this.exclusive("bootstrapping", async () => {
          this.following = undefined;
          this.syncNames = "";
          try {
            const { restore } = this.spec;
            if (restore) await restoreCluster({ ...this.spec, restore }, this.pg, () => this.writeRuntime());
            else await bootstrap(this.spec, this.pg, () => this.writeRuntime());
            this.save({ term: 1, leader: this.me.name, ledTerm: 1 });
            this.phase = "stopped";
          } catch (error) {
            log(`initialisation failed, starting it again: ${(error as Error).message}`);
            await this.pg.kill();
            fs.rmSync(PGDATA, { recursive: true, force: true });
            initMarker.clear();
            this.phase = "starting";
            await sleep(2000);
          }
        });
      }
    }
    this.waitLog(this.me.name === this.spec.initialPrimary ? "no data yet: waiting for a majority of members to confirm that no cluster exists" : "no data yet: waiting for a primary to clone from");
  }

  // ---------------------------------------------------------------- stopped: a former primary, or a standby to restart

  private async whileStopped(): Promise<void> {
    if (!this.pg.hasData()) {
      // A re-clone that did not complete: start from scratch, as a member with no data.
      this.phase = "starting";
      return;
    }
    if (this.pg.isStandbyData()) {
      return this.exclusive("standby", () => this.startStandby());
    }
    if (this.state.ledTerm === this.state.term && (this.state.leader === undefined || this.state.leader === this.me.name)) {
      // It led the newest term it knows: it may lead again only with a majority's acknowledgement of that term,
      // and only after the standbys had time to elect one of their own — their timeout, their election, and as much
      // again — so that a quickly restarted container never races them (a standby that is already up to date is
      // the faster way back; the former primary would still have to recover first).
      const standbysHadTheirChance = this.quorum === 1 || this.now() - this.stoppedAt >= 2 * this.timing.timeoutMs + this.timing.heartbeatMs;
      if (standbysHadTheirChance && (await this.round())) return this.exclusive("primary", () => this.startAsPrimary());
    }
    const leader = await this.findLeader();
    if (leader) {
      return this.rejoinLeader(leader);
    }
    this.waitLog(`stopped: was primary in term ${this.state.ledTerm}; waiting until a majority acknowledges it or another member leads`);
  }

  private rejoinLeader(leader: string): Promise<void> {
    return this.exclusive("rejoining", async () => {
      // pg_rewind fetches the WAL it lacks from the archive.
      this.dropStreamFirst();
      try {
        await this.pg.stop("fast");
        await rejoin(leader, this.spec.walArchiving, this.rewindFailures + 1);
        this.rewindFailures = 0;
        await this.startStandby(leader);
      } catch (error) {
        if (error instanceof RetryLater && error.rewindFailed) this.rewindFailures++;
        log(`rejoining ${leader} failed, retrying: ${(error as Error).message}`);
        this.becomeStopped();
        await sleep(1000);
      }
    });
  }

  /** At most one line a second about missed heartbeat rounds: what an operator needs after a fence. */
  private roundLog(message: string): void {
    if (this.now() - this.lastRoundLog < 1000) return;
    this.lastRoundLog = this.now();
    log(message);
  }

  private waitLog(message: string): void {
    // Per kind: a line about standing aside must not hide the pre-vote that failed next.
    const kind = message.split(/[:(]/)[0];
    if (this.now() - (this.lastWaitLog.get(kind) ?? -Infinity) < 10_000) return;
    this.lastWaitLog.set(kind, this.now());
    log(message);
  }

  /** The leader of the newest term, if one holds its lease (from heartbeats, or by asking the peers). */
  private async findLeader(): Promise<string | undefined> {
    const heard = this.state.leader && this.state.leader !== this.me.name && this.now() - this.lastLeaderAt < this.timing.timeoutMs;
    if (heard) return this.state.leader;
    const statuses = await this.peerStatuses();
    const leader = statuses.find((status) => status?.role === "primary" && status.leaseValid && status.term >= this.state.term);
    return leader?.name;
  }

  /** Starts PostgreSQL as a standby of `leader` (default: the leader of the newest term this member knows). */
  private async startStandby(leaderHint?: string): Promise<void> {
    installConfig();
    markStandby(true);
    const leader = leaderHint ?? (this.state.leader && this.state.leader !== this.me.name ? this.state.leader : undefined);
    this.following = leader;
    this.followingAddress = leader ? await resolvePeer(leader) : undefined;
    this.syncNames = "";
    this.writeRuntime();
    this.cleanStopPosition = undefined;
    await this.pg.start(300_000, true);
    this.registeredUpstream = undefined;
    this.phase = "standby";
    log(`running as standby${leader ? ` of ${leader}` : ""}`);
  }

  // ---------------------------------------------------------------- standby

  private async asStandby(): Promise<void> {
    // The leader of the newest term it knows; until a heartbeat told it, the one it was started to follow.
    const leader = this.state.leader && this.state.leader !== this.me.name ? this.state.leader : this.following;
    const heard = this.now() - this.lastLeaderAt < this.timing.timeoutMs;
    if (leader) {
      // A leader that restarted has a new address: follow it there at once.
      const address = (await resolvePeer(leader)) ?? (this.following === leader ? this.followingAddress : undefined);
      if (this.following !== leader || this.followingAddress !== address) {
        const changed = this.following !== leader;
        this.following = leader;
        this.followingAddress = address;
        await this.applyRuntime();
        if (changed) {
          this.streamingProblemSince = undefined;
          log(`following ${leader}`);
        } else {
          log(`following ${leader} at its new address ${address ?? "(unresolved)"}`);
        }
      }
    }
    if (leader && heard) {
      if (await this.needsRewind(leader)) return this.rejoinLeader(leader);
      await this.registerWith(leader);
    } else {
      // Not streaming while the leader is unheard (a partition) says nothing about diverged WAL.
      this.streamingProblemSince = undefined;
    }
    // A leader it hears but does not stream from (just promoted): retry streaming without PostgreSQL's pause.
    const problemFor = this.streamingProblemSince === undefined ? undefined : this.now() - this.streamingProblemSince;
    const catchingUp = leader !== undefined && heard && problemFor !== undefined && problemFor < this.timing.timeoutMs;
    // WAL and timeline history from the leader while it streams or just stopped (a switchover): a lookup in the
    // archive when the stream ends would hold the startup process, and with it a promotion or the switch to a new
    // timeline. A problem that lasts (the leader no longer has the WAL) goes back to the archive.
    this.holdStreamFirst(leader !== undefined && heard && (problemFor === undefined || problemFor < this.timing.timeoutMs));
    if (catchingUp !== this.catchingUp) {
      this.catchingUp = catchingUp;
      await this.applyRuntime();
    }
    // Heard again meanwhile (a vote granted, a heartbeat) while this tick waited: no election. A leader
    // that fenced itself and said so is silent from then on.
    const silent = this.leaderFenced() || this.now() - this.lastLeaderAt >= this.timing.timeoutMs;
    if (!silent) return;
    if (this.electable()) {
      await this.election(false);
    } else {
      this.waitLog(`the leader is silent, but this standby cannot stand: ${this.position() === undefined ? "its WAL position is not known yet" : "it may lack acknowledged commits (not in the sync set)"}`);
    }
  }

  private electable(): boolean {
    if (this.spec.forcePrimary) return this.spec.forcePrimary === this.me.name && this.position() !== undefined;
    return this.position() !== undefined && (!this.state.syncSet || this.state.syncSet.includes(this.me.name));
  }

  /** restore_command answers from pg_wal while this holds (contract.ts, STREAM_FIRST_FILE); refreshed about once a second. */
  private holdStreamFirst(hold: boolean): void {
    // A tick that began as a standby must not touch it once an election started meanwhile (a takeover
    // runs beside the main loop): the promotion decides alone whether the archive is asked.
    if (this.phase !== "standby") return;
    if (hold && this.now() - this.streamFirstAt >= 1000) {
      streamFirst.hold();
      this.streamFirstAt = this.now();
    } else if (!hold && this.streamFirstAt > -Infinity) {
      this.dropStreamFirst();
    }
  }

  private keepStreamFirst(): void {
    streamFirst.hold();
    this.streamFirstAt = this.now();
  }

  /** Before a promotion or a rewind, which must see the archive: unconditionally, whatever an earlier agent left. */
  private dropStreamFirst(): void {
    streamFirst.release();
    this.streamFirstAt = -Infinity;
  }

  /** Whether this standby holds WAL the leader's timeline does not have (it must be rewound to follow). */
  private async needsRewind(leader: string): Promise<boolean> {
    const status = this.pgStatus;
    if (!status) return false;
    const streaming = status.receiver === "streaming" && status.sender === leader;
    if (streaming) {
      this.streamingProblemSince = undefined;
      return false;
    }
    this.streamingProblemSince ??= this.now();
    const stuckFor = this.now() - this.streamingProblemSince;
    if (stuckFor < this.timing.timeoutMs) return false;
    const position = this.position();
    const leaderStatus = await this.peers.get<MemberStatus>(leader, "/status", 1000);
    if (!position || !leaderStatus?.postgres || leaderStatus.role !== "primary") return false;
    const history: TimelineSwitch[] = (leaderStatus.history ?? []).map((entry) => ({ parent: entry.parent, switchpoint: BigInt(entry.switchpoint) }));
    if (hasDiverged(position, leaderStatus.postgres.timeline, history)) {
      log(`this standby's WAL (timeline ${position.timeline} at ${formatLsn(position.lsn)}) diverged from ${leader}'s timeline ${leaderStatus.postgres.timeline}`);
      return true;
    }
    // Not diverged yet not streaming for long: a rewind (a no-op when nothing diverged) resets it.
    if (stuckFor > 6 * this.timing.timeoutMs) {
      log(`not streaming from ${leader} for ${Math.round(stuckFor / 1000)} s: rejoining`);
      return true;
    }
    return false;
  }

  private async registerWith(leader: string): Promise<void> {
    if (this.registeredUpstream === leader || this.pgStatus?.receiver !== "streaming") return;
    const upstream = this.spec.members.find((member) => member.name === leader);
    if (!upstream) return;
    this.registeredUpstream = leader;
    void bestEffort("repmgr standby register", () => registerStandby(upstream.nodeId)).then((ok) => {
      if (!ok) this.registeredUpstream = undefined;
    });
  }

  // ---------------------------------------------------------------- elections

  private async peerStatuses(timeoutMs = 700): Promise<Array<MemberStatus | undefined>> {
    return Promise.all(this.others.map((peer) => this.peers.get<MemberStatus>(peer.name, "/status", timeoutMs)));
  }

  /** `probe`: in a handover, what the archive said of the next timeline at the leaver's request (handover.ts). */
  private async election(handover: boolean, probe?: TimelineProbe): Promise<boolean> {
    const position = this.position();
    if (!position) return false;
    // The leader of the term being replaced; in a handover it is stopping on purpose and is not lost.
    const lostLeader = handover || this.state.leader === this.me.name ? undefined : this.state.leader;
    this.phase = "candidate";
    try {
      if (!handover) {
        const views: PeerView[] = (await this.peerStatuses(500)).flatMap((status) => {
          if (!status || status.kind !== "data") return [];
          const peer = this.spec.members.find((member) => member.name === status.name)!;
          return [
            {
              name: status.name,
              nodeId: peer.nodeId,
              hearsLeader: status.leaseValid || (status.heardLeaderMsAgo < this.timing.timeoutMs && status.leader !== undefined && status.leader !== this.me.name),
              eligible: status.role === "standby" && status.position !== undefined && (!status.syncSet || status.syncSet.includes(status.name)),
              position: status.position ? { timeline: status.position.timeline, lsn: BigInt(status.position.lsn) } : undefined,
            },
          ];
        });
        const aside = standAsideFor({ nodeId: this.me.nodeId, position }, views);
        if (aside) {
          this.standAsideSince ??= this.now();
          // Long enough for that peer's own timeout to run out (it heard the leader at most a heartbeat later) and to win.
          if (this.now() - this.standAsideSince < Math.min(this.timing.timeoutMs, 2 * this.timing.heartbeatMs + 250)) {
            this.waitLog(`the leader is silent, but ${aside} should stand (or still hears it): waiting`);
            return false;
          }
        }
      }
      this.standAsideSince = undefined;
      const request: VoteRequest = {
        term: this.state.term + 1,
        candidate: this.me.name,
        position: { timeline: position.timeline, lsn: position.lsn },
        membersId: this.membersId,
        dryRun: true,
      };
      const preVotes = await this.collectVotes(request);
      if (1 + preVotes.granted < this.quorum) {
        this.waitLog(`pre-vote for term ${request.term}: ${1 + preVotes.granted} of ${this.quorum} needed (${preVotes.reasons.join("; ")})`);
        return false;
      }
      this.save(afterVote(this.state, request));
      const votes = await this.collectVotes({ ...request, dryRun: false });
      if (1 + votes.granted < this.quorum) {
        log(`election for term ${request.term} lost: ${1 + votes.granted} of ${this.quorum} votes (${votes.reasons.join("; ")})`);
        return false;
      }
      this.save({ ...this.state, leader: this.me.name, ledTerm: request.term });
      log(`elected leader of term ${request.term} with ${1 + votes.granted} of ${this.spec.members.length} votes${handover ? " (handover)" : ""}`);
      const fromLocalWal =
        handover &&
        probe?.term === request.term - 1 &&
        promotesFromLocalWal(
          probe,
          { timeline: position.timeline, parentHistoryLocal: this.pg.hasHistory(position.timeline), nextHistoryLocal: this.pg.hasHistory(position.timeline + 1) },
          this.now(),
        );
      await this.becomeLeader(lostLeader, fromLocalWal);
      return true;
    } finally {
      if (this.phase === "candidate") this.phase = "standby";
    }
  }

  private async collectVotes(request: VoteRequest): Promise<{ granted: number; reasons: string[] }> {
    const body = { ...request, position: { timeline: request.position.timeline, lsn: request.position.lsn.toString() } };
    const answers = await gather(
      this.others.map((peer) => this.peers.post<{ granted: boolean; reason?: string }>(peer.name, "/v1/vote", body, Math.min(1000, this.timing.timeoutMs / 2))),
      (answer) => answer.granted,
      this.quorum - 1,
    );
    return {
      granted: answers.filter((answer) => answer?.granted).length,
      reasons: answers.map((answer, index) => `${this.others[index].name}: ${answer ? (answer.granted ? "yes" : answer.reason) : "no answer (yet)"}`),
    };
  }

  // ---------------------------------------------------------------- leading

  private newSyncManager(lostLeader?: string): SyncManager {
    return new SyncManager(
      {
        leader: this.me.name,
        standbys: this.spec.members.filter((member) => member.kind === "data" && member.name !== this.me.name).map((member) => member.name),
        target: this.spec.synchronousCount,
        degradeAfterMs: Math.round(this.timing.timeoutMs / 2),
        raiseWithinBytes: 8n * 1024n * 1024n,
        lostLeader,
      },
      this.state.syncSet,
    );
  }

  /**
   * A standby that won an election: require as much as its sync set implies, then promote. `fromLocalWal`
   * (a handover whose archive probe allows it, handover.ts): restore_command answers from pg_wal meanwhile.
   */
  private async becomeLeader(lostLeader?: string, fromLocalWal = false): Promise<void> {
    this.phase = "promoting";
    this.leadingSince = this.now();
    this.leaseUntil = 0;
    this.sync = this.newSyncManager(lostLeader);
    this.ackedSet = undefined;
    this.proposedSet = this.sync.electable(this.sync.config);
    this.syncNames = renderSyncNames(this.sync.config);
    this.following = undefined;
    this.catchingUp = false;
    if (fromLocalWal) this.keepStreamFirst();
    else this.dropStreamFirst();
    this.lastRoundAt = this.now();
    void this.round();
    // The main loop waits for the promotion; the lease must not lapse meanwhile (a slow end-of-recovery checkpoint).
    const heartbeats = setInterval(() => {
      if (fromLocalWal && this.phase === "promoting" && this.now() - this.streamFirstAt >= 1000) this.keepStreamFirst();
      if (this.phase !== "promoting" || this.now() - this.lastRoundAt < this.timing.heartbeatMs) return;
      this.lastRoundAt = this.now();
      void this.round();
    }, Math.max(50, Math.round(this.timing.heartbeatMs / 2)));
    const started = this.now();
    try {
      await this.applyRuntime();
      // pg_promote(true) looks every 100 ms whether recovery ended; writes wait for that moment, so look every 20.
      await this.pg.query("SELECT pg_promote(false)", [], 5000);
      for (;;) {
        // A slow answer is asked again; a server that died ends the promotion.
        const row = await this.pg
          .query<{ recovering: boolean }>("SELECT pg_is_in_recovery() AS recovering", [], 5000)
          .then(([answer]) => answer, () => undefined);
        if (row && !row.recovering) break;
        if (!this.pg.running) throw new Error("PostgreSQL stopped while it was being promoted");
        if (this.now() - started > 60_000) throw new Error("pg_promote did not complete in 60 s");
        await sleep(20);
      }
    } finally {
      clearInterval(heartbeats);
      if (fromLocalWal) this.dropStreamFirst();
    }
    markStandby(false);
    const source = fromLocalWal ? " (WAL and timeline history from pg_wal: a handover, and the archive had no newer timeline)" : "";
    log(`promoted in ${this.now() - started} ms${source}; commits wait for: ${this.syncNames || "no standby"}`);
    // Commits wait for a standby, and a standby that connects before its slot exists waits out a retry:
    // the slots now, before the routers admit this primary (the chore retries a failure).
    await this.createSlots().catch(() => undefined);
    // Routers admit it once its probe says it left recovery: probe now, not a tick later. Twice: the first call
    // may join a probe that started before the promotion; the second starts after it.
    await this.refreshPostgres();
    await this.refreshPostgres();
    this.phase = "primary";
    this.queueLeaderChores();
  }

  /** A former primary whose lease a majority acknowledged again: it starts as primary. */
  private async startAsPrimary(): Promise<void> {
    this.leadingSince = this.now();
    this.sync = this.newSyncManager();
    this.proposedSet = this.sync.electable(this.sync.config);
    this.syncNames = renderSyncNames(this.sync.config);
    this.following = undefined;
    installConfig();
    markStandby(false);
    this.writeRuntime();
    this.cleanStopPosition = undefined;
    await this.pg.start();
    this.phase = "primary";
    log(`running as primary of term ${this.state.term}; commits wait for: ${this.syncNames || "no standby"}`);
    this.queueLeaderChores();
  }

  /** A slot for every other data member (each standby streams through its own). */
  private async createSlots(): Promise<void> {
    for (const peer of this.spec.members.filter((member) => member.kind === "data" && member.name !== this.me.name)) {
      await this.pg.query(
        "SELECT pg_create_physical_replication_slot($1, true) WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)",
        [slotName(peer.name)],
        10_000,
      );
    }
  }

  /**
   * What a new primary does once it serves: slots for every other member,
   * the roles' passwords from the mounted secrets, repmgr's record (the stack's
   * repository keeps the archive's stanza). One at a time, each retried until it succeeds.
   */
  private queueLeaderChores(): void {
    const chore = (name: string, run: () => Promise<void>) => ({ name, run, attempts: 0, nextAt: 0 });
    this.chores = [
      chore("replication slots", () => this.createSlots()),
      chore("roles and database", () => reconcileRoles(this.spec, this.pg)),
      ...(this.spec.topology === "standalone" ? [] : [chore("repmgr primary register", registerPrimary)]),
    ];
  }

  private runChores(): void {
    const next = this.chores[0];
    if (this.choreRunning || !next || this.now() < next.nextAt) return;
    this.chores.shift();
    this.choreRunning = true;
    next
      .run()
      .catch((error: Error) => {
        next.attempts++;
        next.nextAt = this.now() + Math.min(30_000, 1000 * 2 ** next.attempts);
        log(`${next.name} failed (attempt ${next.attempts}, retried): ${error.message}`);
        if (["primary", "promoting"].includes(this.phase)) this.chores.push(next);
      })
      .finally(() => {
        this.choreRunning = false;
      });
  }

  private async asLeader(): Promise<void> {
    const now = this.now();
    if (now - this.lastRoundAt >= this.timing.heartbeatMs) {
      this.lastRoundAt = now;
      // A leader whose server does not answer stops renewing: its lease lapses and a standby takes over.
      if (this.healthy || this.phase === "promoting") void this.round();
      else this.roundLog(`not renewing the lease of term ${this.state.term}: PostgreSQL has not answered the agent's probe for ${this.now() - this.pgHealthyAt} ms`);
    }
    if (this.phase !== "primary") return;
    // A new leader's first rounds may still be in flight; without a lease it serves no one (/primary says no).
    const graceOver = now - this.leadingSince > this.timing.timeoutMs - this.timing.marginMs;
    if (now > this.leaseUntil && (this.leaseUntil > 0 || graceOver)) {
      return this.fence(`lease lapsed: no majority acknowledged term ${this.state.term} in ${this.timing.timeoutMs - this.timing.marginMs} ms`, { handBack: true });
    }
    await this.manageSync();
    this.runChores();
  }

  private async manageSync(): Promise<void> {
    if (!this.sync || !this.pgStatus?.currentLsn) return;
    this.replicas = await this.pg.replicas(1000);
    const actions = this.sync.tick({
      nowMs: this.now(),
      leaderLsn: this.pgStatus.currentLsn,
      replicas: this.replicas.map((replica) => ({ name: replica.name, streaming: replica.state === "streaming", flushLsn: replica.flushLsn })),
      ackedSet: this.ackedSet,
    });
    // The same proposal again keeps its identity: a round in flight that carries it still counts once acknowledged.
    if (actions.propose && !sameMembers(actions.propose, this.proposedSet)) this.proposedSet = actions.propose;
    if (actions.config) {
      this.syncNames = renderSyncNames(actions.config);
      await this.applyRuntime();
      log(`commits now wait for: ${this.syncNames || "no standby"}`);
    }
  }

  /**
   * One heartbeat round: every other member is asked to acknowledge this
   * leader's term. A majority renews the lease from the moment the round was
   * sent. Returns whether the majority acknowledged.
   */
  private async round(): Promise<boolean> {
    const sentAt = this.now();
    const term = this.state.term;
    const set = this.proposedSet ?? this.ackedSet ?? this.state.syncSet;
    if (set) this.save({ ...this.state, syncSet: set });
    const heartbeat: Heartbeat = {
      term,
      leader: this.me.name,
      syncSet: set,
      lsn: this.pgStatus?.currentLsn !== undefined ? formatLsn(this.pgStatus.currentLsn) : undefined,
      timeline: this.pgStatus?.timeline,
    };
    type Answer = { ack: boolean; term: number; leader?: string };
    const requests = this.others.map((peer) =>
      this.peers.post<Answer>(peer.name, "/v1/heartbeat", heartbeat, Math.min(1000, this.timing.timeoutMs / 2)).then(async (answer) => {
        // A member that knows a newer term: this leader is deposed, whatever the others say.
        if (answer && !answer.ack && answer.term > term && this.state.term === term) {
          await this.stepDown(answer.term, answer.leader, `${peer.name} knows a newer term (${answer.term})`);
        }
        return answer;
      }),
    );
    // The lease counts from when the round was sent, as soon as a majority acknowledged it.
    const answers = await gather(requests, (answer) => answer.ack, this.quorum - 1);
    if (this.state.term !== term) return false;
    const acks = 1 + answers.filter((answer) => answer?.ack).length;
    if (acks < this.quorum) {
      const reasons = answers.map((answer, index) => {
        const peer = this.others[index].name;
        return `${peer}: ${answer ? (answer.ack ? "ack" : `refused (term ${answer.term})`) : (this.peers.lastError.get(peer) ?? "no answer yet")}`;
      });
      this.roundLog(`heartbeat of term ${term} without a majority (${acks} of ${this.quorum}): ${reasons.join("; ")}`);
      return false;
    }
    this.leaseUntil = Math.max(this.leaseUntil, sentAt + this.timing.timeoutMs - this.timing.marginMs);
    this.lastLeaderAt = this.now();
    if (set && sameMembers(this.proposedSet, set)) {
      this.ackedSet = set;
      this.proposedSet = undefined;
    } else if (set && !this.proposedSet) {
      this.ackedSet = set;
    }
    return true;
  }

  private async fence(reason: string, options: { handBack?: boolean } = {}): Promise<void> {
    const term = this.state.term;
    log(`FENCING: ${reason}; stopping every PostgreSQL process so this member accepts no write`);
    this.becomeStopped();
    await this.pg.kill();
    if (options.handBack) await this.handBackLease(term);
  }

  /**
   * A leader fenced for a lapsed lease (its PostgreSQL froze, or its peers stopped acknowledging)
   * tells the peers it still reaches that it holds nothing any more, once its PostgreSQL is dead:
   * they elect at once instead of waiting out the timeout since its last heartbeat (a frozen
   * primary's failover was a second slower). Across a partition nobody hears it, and nothing changes.
   */
  private async handBackLease(term: number): Promise<void> {
    if (this.state.term !== term) return;
    this.releasedTerm = term;
    const answers = await gather(
      this.others.map((peer) => this.peers.post<{ ok: boolean }>(peer.name, "/v1/release", { term, leader: this.me.name, fenced: true }, 1000)),
      (answer) => answer.ok,
      this.quorum - 1,
    );
    const told = this.others.filter((_, index) => answers[index]?.ok).map((peer) => peer.name);
    if (told.length > 0) log(`lease of term ${term} handed back after fencing (${told.join(", ")} told): a standby may stand at once`);
  }

  private async stepDown(term: number, leader: string | undefined, reason: string): Promise<void> {
    const leading = ["primary", "promoting"].includes(this.phase);
    this.save({ ...this.state, term: Math.max(term, this.state.term), leader, votedFor: term > this.state.term ? undefined : this.state.votedFor });
    if (leading) await this.fence(`stepping down: ${reason}`);
  }

  // ---------------------------------------------------------------- planned handover

  /**
   * A planned stop or a switchover: the primary checkpoints, stops cleanly (its
   * WAL senders pass the last record to the standbys), hands its lease back and
   * asks the most advanced electable standby to take over.
   */
  async handover(requested?: string): Promise<{ ok: boolean; leader?: string; reason?: string; note?: string }> {
    if (this.phase !== "primary") return { ok: false, leader: this.state.leader, reason: `${this.me.name} is not the primary (${this.phase})` };
    const electable = (name: string) => !this.state.syncSet || this.state.syncSet.includes(name);
    const replicas = (await this.pg.replicas(2000)).filter((replica) => replica.state === "streaming" && electable(replica.name));
    const statuses = await this.peerStatuses(500);
    const startedAt = new Map(statuses.flatMap((status) => (status ? [[status.name, status.startedAt ?? 0] as const] : [])));
    const lsn = this.pgStatus?.currentLsn ?? 0n;
    replicas.sort((a, b) => handoverOrder(a, b, lsn, startedAt));
    if (requested && !replicas.some((replica) => replica.name === requested)) {
      return { ok: false, leader: this.me.name, reason: `${requested} is not a streaming, up-to-date standby` };
    }
    const targets = requested ? [requested, ...replicas.map((r) => r.name).filter((name) => name !== requested)] : replicas.map((r) => r.name);
    if (targets.length === 0) return { ok: false, leader: this.me.name, reason: "no streaming standby to hand over to" };
    const started = this.now();
    const step = (what: string) => log(`handover: ${what} (+${this.now() - started} ms)`);
    // The first target asks the archive now, while writes go on, what its promotion would ask it during the pause.
    const timeline = this.pgStatus?.timeline;
    const prepared =
      this.spec.walArchiving && timeline !== undefined
        ? this.peers.post(targets[0], "/v1/prepare-takeover", { term: this.state.term, from: this.me.name, timeline }, TIMELINE_PROBE_TIMEOUT_MS + 500)
        : undefined;
    await Promise.all([this.pg.query("CHECKPOINT", [], 60_000).catch(() => undefined), prepared]);
    step("checkpoint done; leaving the routers");
    const term = this.state.term;
    this.phase = "demoting";
    this.busy = true;
    try {
      // Once the shutdown checkpoint is written, not once the postmaster is gone: it may still be archiving its last segment.
      const { position: final } = await this.holdingLease(term, () => this.pg.stopAtShutdownCheckpoint());
      this.cleanStopPosition = final;
      step(`PostgreSQL shut down cleanly at ${formatLsn(final.lsn)}`);
      if (this.state.term !== term) {
        // The clean stop outlasted the lease hold and a standby was elected meanwhile: that one is the successor.
        const successor = await this.successorOf(term, 3000);
        if (successor) return this.handedOverTo(successor, started, requested, [`${successor} was elected while ${this.me.name} stopped`]);
        this.becomeStopped();
        return { ok: false, reason: `term ${this.state.term} began while ${this.me.name} stopped, and no member holds its lease yet` };
      }
      this.releasedTerm = term;
      // A majority that knows of the release is enough to elect; a member that is restarting must not hold the handover up.
      await gather(
        this.others.map((peer) => this.peers.post<{ ok: boolean }>(peer.name, "/v1/release", { term, leader: this.me.name }, 1000)),
        (answer) => answer.ok,
        this.quorum - 1,
      );
      step(`lease of term ${term} released; asking ${targets.join(", ")} to take over`);
      const refusals: string[] = [];
      for (const target of targets) {
        const answer = await this.peers.post<{ ok: boolean; reason?: string }>(target, "/v1/takeover", { term, from: this.me.name, minLsn: final.lsn.toString() }, 15_000);
        if (answer?.ok) return this.handedOverTo(target, started, requested, refusals);
        refusals.push(`${target} did not take over: ${answer?.reason ?? "no answer"}`);
        log(refusals[refusals.length - 1]);
        // The release lets any up-to-date standby stand: one may have won an election meanwhile.
        const successor = await this.successorOf(term, 0);
        if (successor) return this.handedOverTo(successor, started, requested, refusals);
      }
      const successor = await this.successorOf(term, 3000);
      if (successor) return this.handedOverTo(successor, started, requested, refusals);
      this.becomeStopped();
      return { ok: false, reason: `no standby took over (${refusals.join("; ")}); the former primary resumes once a majority acknowledges it again` };
    } finally {
      this.busy = false;
    }
  }

  /**
   * A handover's clean stop keeps renewing the lease (the loop is busy meanwhile): a shutdown checkpoint that
   * took longer than the timeout let the standbys elect one of their own mid-handover, and the handover then
   * asked another to take over — two failovers for one planned stop (CI measured a 4.5 s write pause). Held
   * at most HANDOVER_LEASE_HOLD_MS: a stop that hangs longer is a lost primary, and the standbys take over.
   */
  private async holdingLease<T>(term: number, operation: () => Promise<T>): Promise<T> {
    const until = this.now() + HANDOVER_LEASE_HOLD_MS;
    const renew = setInterval(() => {
      if (this.phase === "demoting" && this.state.term === term && this.now() < until) void this.round();
    }, this.timing.heartbeatMs);
    try {
      return await operation();
    } finally {
      clearInterval(renew);
    }
  }

  /** A member that leads a term newer than `term` and holds its lease, waiting up to `waitMs` for one. */
  private async successorOf(term: number, waitMs: number): Promise<string | undefined> {
    const deadline = this.now() + waitMs;
    for (;;) {
      const leader = (await this.peerStatuses(500)).find((status) => status?.role === "primary" && status.leaseValid && status.term > term);
      if (leader) return leader.name;
      if (this.now() >= deadline) return undefined;
      await sleep(100);
    }
  }

  private handedOverTo(leader: string, started: number, requested: string | undefined, refusals: string[]): { ok: boolean; leader: string; note?: string } {
    log(`handed over to ${leader} in ${this.now() - started} ms`);
    this.becomeStopped();
    return { ok: true, leader, ...(requested && leader !== requested ? { note: refusals.join("; ") } : {}) };
  }

  /**
   * A standby stopping on purpose (a rolling update) waits, within the stop grace
   * period, until enough other standbys stream from the leader to confirm commits
   * without it; otherwise the update's next step could leave the primary waiting
   * for a standby that is still starting.
   */
  private async waitForAnotherSyncStandby(maxWaitMs = 20_000): Promise<void> {
    const leader = this.state.leader;
    const otherStandbys = this.spec.members.filter((member) => member.kind === "data" && member.name !== this.me.name && member.name !== leader).length;
    const needed = Math.min(this.spec.synchronousCount, otherStandbys);
    if (!leader || leader === this.me.name || needed <= 0) return;
    const deadline = this.now() + maxWaitMs;
    let logged = false;
    while (this.now() < deadline) {
      const status = await this.peers.get<MemberStatus>(leader, "/status", 1000);
      const streaming = (status?.replicas ?? []).filter((replica) => replica.name !== this.me.name && replica.state === "streaming").length;
      if (!status || streaming >= needed) return;
      if (!logged) log(`stopping: waiting up to ${maxWaitMs / 1000} s until ${needed} other standby streams from ${leader}, so commits do not stall`);
      logged = true;
      await sleep(250);
    }
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    if (this.phase === "primary") {
      const result = await this.handover().catch((error: Error) => ({ ok: false, reason: error.message }));
      log(result.ok ? "stopping after the handover" : `stopping without a handover: ${result.reason}`);
    } else if (this.phase === "standby") {
      await this.waitForAnotherSyncStandby();
    }
    this.stopping = true;
    await this.pg.stop("fast");
  }

  // ---------------------------------------------------------------- requests from peers

  onHeartbeat(heartbeat: Heartbeat): { ack: boolean; term: number; leader?: string; reason?: string } {
    const decision = decideAck(this.state, heartbeat);
    if (!decision.ack) return { ack: false, term: this.state.term, leader: this.state.leader, reason: decision.reason };
    const leading = ["primary", "promoting"].includes(this.phase);
    if (leading && heartbeat.leader !== this.me.name) {
      void this.fence(`${heartbeat.leader} leads the newer term ${heartbeat.term}`);
    }
    if (decision.state.term !== this.state.term) this.releasedTerm = undefined;
    // A fenced leader acknowledged again leads again (no standby could take over): its hand-back is void,
    // or this member would vote at once against a lease it has just renewed.
    if (this.fencedLeaderTerm !== undefined) {
      if (this.fencedLeaderTerm === this.releasedTerm) this.releasedTerm = undefined;
      this.fencedLeaderTerm = undefined;
    }
    this.standAsideSince = undefined; // a leader is heard: the next silence starts a new wait
    this.save(decision.state);
    this.lastLeaderAt = this.now();
    this.heardLeaderAt = this.now();
    this.leaderInfo = { lsn: parseLsn(heartbeat.lsn), timeline: heartbeat.timeline };
    return { ack: true, term: this.state.term };
  }

  onVote(body: Omit<VoteRequest, "position"> & { position: { timeline: number; lsn: string } }): { granted: boolean; term: number; reason?: string } {
    const request: VoteRequest = { ...body, position: { timeline: body.position.timeline, lsn: BigInt(body.position.lsn) } };
    const decision = decideVote(
      {
        self: this.me.name,
        kind: this.me.kind,
        state: this.state,
        sinceLeaderMs: this.now() - this.lastLeaderAt,
        leaseReleased: this.releasedTerm === this.state.term,
        leading: ["primary", "promoting"].includes(this.phase),
        // Set only from a handover's shutdown checkpoint until the next start: the WAL ends there, even while the
        // postmaster still archives its last segment.
        position: this.position() ?? this.cleanStopPosition,
        timeoutMs: this.timing.timeoutMs,
        membersId: this.membersId,
        forcedPrimary: this.spec.forcePrimary,
      },
      request,
    );
    if (!decision.grant) return { granted: false, term: this.state.term, reason: decision.reason };
    if (!request.dryRun) {
      this.save(afterVote(this.state, request));
      this.lastLeaderAt = this.now();
      log(`voted for ${request.candidate} in term ${request.term}`);
    }
    return { granted: true, term: this.state.term };
  }

  onRelease(body: { term: number; leader: string; fenced?: boolean }): { ok: boolean } {
    if (body.term === this.state.term && body.leader === this.state.leader) {
      this.releasedTerm = body.term;
      // A fenced leader's release (not a planned handover, which names its successor): elect now.
      if (body.fenced === true) this.fencedLeaderTerm = body.term;
      return { ok: true };
    }
    return { ok: false };
  }

  async onTakeover(body: { term: number; from: string; minLsn: string }): Promise<{ ok: boolean; reason?: string }> {
    // Good for this handover only: asked by the same leaver in the same term.
    const probe = this.timelineProbe?.term === body.term && this.timelineProbe.from === body.from ? this.timelineProbe : undefined;
    this.timelineProbe = undefined;
    if (this.phase !== "standby") return { ok: false, reason: `${this.me.name} is ${this.phase}` };
    const minLsn = BigInt(body.minLsn);
    const deadline = this.now() + 3000;
    // minLsn is where the leaver's shutdown checkpoint record begins: received past it, that record is here too
    // (it is sent whole), even when the leaver handed over before its postmaster exited.
    while ((this.position()?.lsn ?? -1n) <= minLsn) {
      if (this.now() > deadline) return { ok: false, reason: `${this.me.name} did not receive the final WAL (${formatLsn(minLsn)})` };
      await sleep(25);
      await this.refreshPostgres();
    }
    const won = await this.election(true, probe);
    return won ? { ok: true } : { ok: false, reason: "the election failed" };
  }

  /** A leaver about to hand over to this standby: the archive asked now, not in the write pause (handover.ts). */
  async onPrepareTakeover(body: { term: number; from: string; timeline: number }): Promise<{ ok: boolean; nextTimelineArchived?: boolean }> {
    this.timelineProbe = undefined;
    const valid = Number.isInteger(body.timeline) && body.timeline >= 1 && body.term === this.state.term && body.from === this.state.leader;
    if (this.phase !== "standby" || !this.spec.walArchiving || !valid) return { ok: false };
    const asked = this.now();
    const nextTimelineArchived = await archiveHasHistory(body.timeline + 1, TIMELINE_PROBE_TIMEOUT_MS);
    this.timelineProbe = { term: body.term, from: body.from, timeline: body.timeline, at: asked, nextTimelineArchived };
    return { ok: nextTimelineArchived !== undefined, nextTimelineArchived };
  }

  async onSwitchover(body: { target?: string }): Promise<{ ok: boolean; leader?: string; reason?: string; note?: string }> {
    if (this.phase !== "primary") return { ok: false, leader: this.state.leader, reason: `${this.me.name} is not the primary` };
    return this.handover(body.target);
  }

  /** The login keeper's verifiers (logins.ts): set on the primary, which replicates them. */
  async onLogins(body: { logins?: unknown }): Promise<{ ok: boolean; reason?: string; changed?: string[]; missing?: string[] }> {
    const problem = loginRequestProblem(this.spec.roles, body.logins);
    if (problem) return { ok: false, reason: problem };
    if (!this.isRoutablePrimary()) return { ok: false, reason: `${this.me.name} is not the primary (${this.phase})` };
    const result = await applyLoginVerifiers(this.pg, body.logins as LoginVerifier[]);
    if (result.changed.length > 0) log(`login passwords set from the keeper's secrets: ${result.changed.join(", ")}`);
    return { ok: true, ...result };
  }

  // ---------------------------------------------------------------- what routers and operators see

  leaseValid(): boolean {
    return this.phase === "primary" && this.now() < this.leaseUntil;
  }

  isRoutablePrimary(): boolean {
    return this.leaseValid() && this.healthy && this.pgStatus?.inRecovery === false;
  }

  lagBytes(): bigint | undefined {
    const leaderLsn = this.leaderInfo?.lsn;
    const replayed = this.pgStatus?.replayedLsn;
    if (leaderLsn === undefined || replayed === undefined) return undefined;
    return leaderLsn > replayed ? leaderLsn - replayed : 0n;
  }

  /** Streams from the current leader, heard within the timeout, and replays within `maxLag` bytes of the leader's position. */
  isRoutableReplica(maxLag: bigint = BigInt(this.spec.replicaMaxLagBytes)): boolean {
    const status = this.pgStatus;
    // A candidate still is a hot standby serving reads; it leaves once it promotes (no longer in recovery).
    if (!["standby", "candidate"].includes(this.phase) || !this.healthy || !status?.inRecovery) return false;
    const lag = this.lagBytes();
    if (lag === undefined) return false;
    const verdict = judgeLag(lag, maxLag, this.lagPastSince, this.now());
    this.lagPastSince = verdict.pastSince;
    if (!verdict.within) return false;
    const streaming =
      status.receiver === "streaming" && this.state.leader !== undefined && status.sender === this.state.leader && this.now() - this.lastLeaderAt < this.timing.timeoutMs;
    if (streaming) {
      this.lastStreamingAt = this.now();
      return true;
    }
    // It lost its primary's stream (a failover in progress, or a cut): it was within the limit a moment ago, so
    // it keeps serving reads for a bounded time, long enough for an election and a re-follow — reads go on
    // through a failover — and then leaves until it streams again.
    return this.now() - this.lastStreamingAt < 2 * this.timing.timeoutMs;
  }

  private leaderFenced(): boolean {
    return this.fencedLeaderTerm !== undefined && this.fencedLeaderTerm === this.state.term && this.state.leader !== this.me.name;
  }

  alive(): boolean {
    return this.now() - this.lastTickAt < 30_000 || this.busy;
  }

  status(): MemberStatus {
    const status = this.pgStatus;
    const leading = ["primary", "promoting", "demoting"].includes(this.phase);
    const position = this.position();
    const lag = this.lagBytes();
    const lsnText = (lsn?: bigint) => (lsn === undefined ? undefined : formatLsn(lsn));
    return {
      name: this.me.name,
      kind: this.me.kind,
      startedAt: AGENT_STARTED_AT,
      phase: this.phase,
      role: this.me.kind === "witness" ? "witness" : !this.pg.running ? "none" : status?.inRecovery === false ? "primary" : "standby",
      term: this.state.term,
      leader: this.state.leader,
      ledTerm: this.state.ledTerm,
      syncSet: this.state.syncSet,
      heardLeaderMsAgo:
        this.leaseValid() ? 0 : this.heardLeaderAt === undefined || this.leaderFenced() ? Number.MAX_SAFE_INTEGER : this.now() - this.heardLeaderAt,
      leaseValid: this.leaseValid(),
      empty: this.me.kind === "witness" || !this.pg.hasData(),
      postgres: status && {
        healthy: this.healthy,
        inRecovery: status.inRecovery,
        timeline: status.timeline,
        lsn: lsnText(status.currentLsn ?? position?.lsn),
        receivedLsn: lsnText(status.receivedLsn),
        replayedLsn: lsnText(status.replayedLsn),
        receiver: status.receiver,
        sender: status.sender,
        lagBytes: lag === undefined ? undefined : lag.toString(),
        replayAgeMs: status.replayAgeMs,
        archiver: status.archiver,
      },
      position: position && { timeline: position.timeline, lsn: position.lsn.toString() },
      synchronousStandbyNames: leading ? this.syncNames : undefined,
      replicas: leading
        ? this.replicas.map((replica) => ({
            name: replica.name,
            state: replica.state,
            flushLsn: formatLsn(replica.flushLsn),
            replayLsn: formatLsn(replica.replayLsn),
            syncState: replica.syncState,
          }))
        : undefined,
      history: leading && status ? this.pg.history(status.timeline).map((entry) => ({ parent: entry.parent, switchpoint: entry.switchpoint.toString() })) : undefined,
      following: { member: this.following, address: this.followingAddress },
      busy: this.busy,
      tickAgeMs: this.now() - this.lastTickAt,
    };
  }
}
