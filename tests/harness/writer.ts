/**
 * A client that writes through the demo app (and so through db-rw) every
 * intervalMs, recording every attempt: when it started and ended, whether the
 * database acknowledged it, and which member committed it. Each write carries a
 * unique value, and is never retried, so the rows tell exactly which
 * acknowledged commits survived, and whether any survived twice.
 */

export interface WriteAttempt {
  value: string;
  target: string;
  startedAt: number;
  endedAt?: number;
  ok?: boolean;
  /** The member that committed it (the demo app returns cluster_name). */
  node?: string;
  error?: string;
}

export interface WriterOptions {
  /** Base URLs of the demo app's instances; writes go round-robin over them. */
  targets: string[];
  prefix: string;
  intervalMs?: number;
  timeoutMs?: number;
}

export class Writer {
  readonly attempts: WriteAttempt[] = [];
  private timer?: NodeJS.Timeout;
  private inFlight = new Set<Promise<void>>();
  private sequence = 0;

  constructor(private readonly options: WriterOptions) {}

  start(): this {
    const interval = this.options.intervalMs ?? 100;
    this.timer = setInterval(() => this.writeOne(), interval);
    return this;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([...this.inFlight]);
  }

  private writeOne(): void {
    if (this.inFlight.size >= 50) return;
    const sequence = this.sequence++;
    const target = this.options.targets[sequence % this.options.targets.length];
    const attempt: WriteAttempt = { value: `${this.options.prefix}-${sequence}`, target, startedAt: Date.now() };
    this.attempts.push(attempt);
    const done = (async () => {
      try {
        const response = await fetch(`${target}/items`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ value: attempt.value }),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 3000),
        });
        const body = (await response.json()) as { node?: string; error?: string };
        attempt.ok = response.status === 201;
        attempt.node = body.node;
        if (!attempt.ok) attempt.error = body.error ?? `HTTP ${response.status}`;
      } catch (error) {
        attempt.ok = false;
        attempt.error = (error as Error).message;
      } finally {
        attempt.endedAt = Date.now();
      }
    })();
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }

  acknowledged(): WriteAttempt[] {
    return this.attempts.filter((attempt) => attempt.ok);
  }

  /** The first acknowledged write that was sent after `time` (the writer resuming after a fault). */
  firstAcknowledgedAfter(time: number): WriteAttempt | undefined {
    return this.acknowledged()
      .filter((attempt) => attempt.startedAt >= time)
      .sort((a, b) => a.endedAt! - b.endedAt!)[0];
  }

  /** Milliseconds from `time` to the first write sent after it that was acknowledged (undefined: none yet). */
  outageAfter(time: number): number | undefined {
    const first = this.firstAcknowledgedAfter(time);
    return first ? first.endedAt! - time : undefined;
  }

  /**
   * The write outage around a fault: the longest time without any acknowledgement
   * between `from` and `to` (the edges count as acknowledgements only if writes
   * were acknowledged outside the window), i.e. what a user writing all along saw.
   */
  longestGap(from: number, to: number): number {
    const acks = this.acknowledged()
      .map((attempt) => attempt.endedAt!)
      .sort((a, b) => a - b);
    const before = acks.filter((at) => at < from).pop() ?? from;
    const inside = acks.filter((at) => at >= from && at <= to);
    const after = acks.find((at) => at > to);
    const points = [before, ...inside, ...(after !== undefined ? [after] : [to])];
    let longest = 0;
    for (let i = 1; i < points.length; i++) longest = Math.max(longest, points[i] - points[i - 1]);
    return longest;
  }

  /** The members that acknowledged writes, in order, each with the span of its acknowledgements. */
  stretches(): Array<{ node: string; from: number; to: number; writes: number }> {
    const stretches: Array<{ node: string; from: number; to: number; writes: number }> = [];
    for (const attempt of this.acknowledged().sort((x, y) => x.endedAt! - y.endedAt!)) {
      const last = stretches[stretches.length - 1];
      if (last && last.node === attempt.node) {
        last.to = attempt.endedAt!;
        last.writes++;
      } else {
        stretches.push({ node: attempt.node ?? "?", from: attempt.endedAt!, to: attempt.endedAt!, writes: 1 });
      }
    }
    return stretches;
  }

  /**
   * Evidence of two members accepting writes at once: acknowledgements that go
   * back and forth between members (A, then B, then A again within `withinMs`).
   * A real change of primary takes an election, so it shows as one switch.
   */
  flipFlops(withinMs = 2000): Array<{ from: string; to: string; back: number }> {
    const stretches = this.stretches();
    const found: Array<{ from: string; to: string; back: number }> = [];
    for (let i = 1; i + 1 < stretches.length; i++) {
      const [before, middle, after] = [stretches[i - 1], stretches[i], stretches[i + 1]];
      if (before.node === after.node && after.from - middle.from < withinMs) found.push({ from: before.node, to: middle.node, back: after.from });
    }
    return found;
  }
}
