/**
 * A client that reads through the demo app's read side (GET /whoami, routed to
 * db-ro in a split stack) every intervalMs, recording which member answered,
 * in which role, and when. The read-split tests ask it which members served
 * reads in a time window and how long reads went unanswered.
 */

export interface ReadAttempt {
  target: string;
  startedAt: number;
  endedAt?: number;
  ok?: boolean;
  node?: string;
  role?: string;
  error?: string;
}

export class Reader {
  readonly attempts: ReadAttempt[] = [];
  private timer?: NodeJS.Timeout;
  private inFlight = new Set<Promise<void>>();
  private sequence = 0;

  constructor(private readonly options: { targets: string[]; intervalMs?: number; timeoutMs?: number; path?: string }) {}

  start(): this {
    this.timer = setInterval(() => this.readOne(), this.options.intervalMs ?? 100);
    return this;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([...this.inFlight]);
  }

  private readOne(): void {
    if (this.inFlight.size >= 50) return;
    const target = this.options.targets[this.sequence++ % this.options.targets.length];
    const attempt: ReadAttempt = { target, startedAt: Date.now() };
    this.attempts.push(attempt);
    const done = (async () => {
      try {
        const response = await fetch(`${target}${this.options.path ?? "/whoami"}`, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 3000) });
        const body = (await response.json()) as { node?: string; role?: string; error?: string };
        attempt.ok = response.status === 200;
        attempt.node = body.node;
        attempt.role = body.role;
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

  /** Successful reads that started at or after `from` (and before `to`). */
  answered(from = 0, to = Number.MAX_SAFE_INTEGER): ReadAttempt[] {
    return this.attempts.filter((attempt) => attempt.ok && attempt.startedAt >= from && attempt.startedAt < to);
  }

  /** How many successful reads each member served in the window. */
  servedBy(from = 0, to = Number.MAX_SAFE_INTEGER): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const attempt of this.answered(from, to)) counts[attempt.node ?? "?"] = (counts[attempt.node ?? "?"] ?? 0) + 1;
    return counts;
  }

  /** The longest time without a successful read between `from` and `to` (ms). */
  longestGap(from: number, to: number): number {
    const points = [from, ...this.answered(from, to).map((attempt) => attempt.endedAt!).sort((a, b) => a - b), to];
    let longest = 0;
    for (let i = 1; i < points.length; i++) longest = Math.max(longest, points[i] - points[i - 1]);
    return longest;
  }
}
