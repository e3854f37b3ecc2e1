/**
 * Synchronous replication on the leader: which standbys a commit waits for,
 * and which members may therefore be elected (the sync set, recorded by a
 * majority through heartbeats). Pure: the member feeds it what
 * pg_stat_replication shows and applies the actions it returns.
 *
 * Full strength: `ANY k (every standby)`, any data member electable (with k =
 * voters − majority, every majority that could elect holds each commit).
 * Degraded, when fewer than k standbys stream: every remaining streaming
 * standby must hold each commit (`ANY h (those h)`, or none), and only they and
 * the leader are electable. Ordering keeps it safe:
 *  - shrinking: the survivors catch up, a majority records the smaller set, then
 *    the requirement is relaxed;
 *  - growing: the requirement is raised first, the sync set grows once the new
 *    standbys hold everything up to the moment of the raise.
 */

export interface SyncConfig {
  /** How many of `names` must confirm a commit (0: none, asynchronous). */
  count: number;
  names: string[];
}

export function renderSyncNames(config: SyncConfig): string {
  if (config.count === 0 || config.names.length === 0) return "";
  return `ANY ${config.count} (${config.names.join(", ")})`;
}

export interface ReplicaInfo {
  name: string;
  streaming: boolean;
  flushLsn: bigint;
}

export interface SyncInputs {
  nowMs: number;
  leaderLsn: bigint;
  replicas: ReplicaInfo[];
  /** The sync set a majority has recorded. */
  ackedSet: string[] | undefined;
}

export interface SyncActions {
  /** Apply this synchronous_standby_names (then reload). */
  config?: SyncConfig;
  /** Send this sync set with the heartbeats until a majority records it. */
  propose?: string[];
}

const sorted = (names: Iterable<string>) => [...new Set(names)].sort();
const sameSet = (a: string[] | undefined, b: string[] | undefined) =>
  a !== undefined && b !== undefined && JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));

export interface SyncOptions {
  leader: string;
  /** Every data member but the leader. */
  standbys: string[];
  /** Standbys a commit needs at full strength (0: asynchronous). */
  target: number;
  /** How long a required standby may be gone before the leader degrades rather than block commits. */
  degradeAfterMs: number;
  /** A returning standby is required again once it is this close to the leader. */
  raiseWithinBytes: bigint;
  /**
   * The leader this one was elected to replace (not a handover): it was silent
   * for a whole timeout already, so waiting the grace period for it to stream
   * only holds commits back.
   */
  lostLeader?: string;
}

export class SyncManager {
  config: SyncConfig;
  private blockedSince?: number;
  private shrink?: { survivors: string[]; from: bigint; since: number };
  private grow?: { members: string[]; from: bigint };
  private lostLeader?: string;

  constructor(
    private readonly options: SyncOptions,
    inheritedSet: string[] | undefined,
  ) {
    this.config = this.initialConfig(inheritedSet);
    this.lostLeader = options.lostLeader;
  }

  get allData(): string[] {
    return sorted([this.options.leader, ...this.options.standbys]);
  }

  private get full(): SyncConfig {
    return { count: this.options.target, names: sorted(this.options.standbys) };
  }

  /** The members a config lets a majority elect. */
  electable(config: SyncConfig): string[] {
    if (this.options.target === 0 || this.isFull(config)) return this.allData;
    return sorted([this.options.leader, ...config.names]);
  }

  private isFull(config: SyncConfig): boolean {
    return config.count === this.options.target && sameSet(config.names, this.options.standbys);
  }

  /** What a new leader requires before it accepts its first write: as much as the set it was elected under implies. */
  private initialConfig(inheritedSet: string[] | undefined): SyncConfig {
    if (this.options.target === 0) return { count: 0, names: [] };
    if (!inheritedSet || sameSet(inheritedSet, this.allData)) return this.full;
    const names = sorted(inheritedSet.filter((name) => name !== this.options.leader && this.options.standbys.includes(name)));
    return { count: names.length, names };
  }

  tick(inputs: SyncInputs): SyncActions {
    if (this.options.target === 0) {
      return sameSet(inputs.ackedSet, this.allData) ? {} : { propose: this.allData };
    }
    const flush = new Map(inputs.replicas.filter((replica) => replica.streaming).map((replica) => [replica.name, replica.flushLsn]));
    const streaming = this.options.standbys.filter((name) => flush.has(name));
    const holds = (name: string, lsn: bigint) => (flush.get(name) ?? -1n) >= lsn;

    // Once the replaced leader streams again it is a standby like any other.
    if (this.lostLeader && flush.has(this.lostLeader)) this.lostLeader = undefined;

    // Commits cannot complete: fewer required standbys stream than the config asks for.
    const satisfiable = this.config.names.filter((name) => flush.has(name)).length >= this.config.count;
    if (!satisfiable) {
      this.grow = undefined;
      this.blockedSince ??= inputs.nowMs;
      const missing = this.config.names.filter((name) => !flush.has(name));
      const onlyTheLostLeader = missing.length > 0 && missing.every((name) => name === this.lostLeader);
      if (!onlyTheLostLeader && inputs.nowMs - this.blockedSince < this.options.degradeAfterMs) return {};
      if (!this.shrink || !sameSet(this.shrink.survivors, streaming)) {
        this.shrink = { survivors: streaming, from: inputs.leaderLsn, since: inputs.nowMs };
      }
      // Survivors that do not catch up within another grace period are left out too.
      const caughtUp = this.shrink.survivors.filter((name) => holds(name, this.shrink!.from));
      const waited = inputs.nowMs - this.shrink.since >= this.options.degradeAfterMs;
      if (caughtUp.length < this.shrink.survivors.length && !waited) return {};
      const survivors = sorted(caughtUp);
      const degraded: SyncConfig = survivors.length >= this.options.target ? this.full : { count: survivors.length, names: survivors };
      const set = this.electable(degraded);
      if (!sameSet(inputs.ackedSet, set)) return { propose: set };
      this.config = degraded;
      this.blockedSince = undefined;
      this.shrink = undefined;
      return { config: degraded };
    }
    this.blockedSince = undefined;
    this.shrink = undefined;

    // Standbys streaming close behind that the config does not require yet: require them again.
    if (!this.isFull(this.config)) {
      const returning = streaming.filter(
        (name) => !this.config.names.includes(name) && inputs.leaderLsn - (flush.get(name) ?? 0n) <= this.options.raiseWithinBytes,
      );
      if (returning.length > 0) {
        const names = sorted([...this.config.names, ...returning]);
        this.config = names.length >= this.options.target ? this.full : { count: names.length, names };
        // The standbys already required held every commit; the returning ones must catch up to now.
        this.grow = { members: returning, from: inputs.leaderLsn };
        return { config: this.config };
      }
    }

    // The sync set grows only once every newly required standby holds what was acknowledged before.
    if (this.grow) {
      if (!this.grow.members.every((name) => holds(name, this.grow!.from))) return {};
      this.grow = undefined;
    }
    const set = this.electable(this.config);
    return sameSet(inputs.ackedSet, set) ? {} : { propose: set };
  }
}
