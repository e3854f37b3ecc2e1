/**
 * A source asked again and again in the background (a member's agent, the
 * routers, the backup repository), so that `ctl status --every` prints what is
 * known at each tick instead of waiting for the slowest source: a member cut
 * off the network must not hold back the document that shows its successor.
 */
export class Poller<T> {
  private answer?: T;
  private askedAt?: number;
  private answered = false;
  private stopped = false;
  private firstAnswer?: () => void;
  /** Settles once the source answered (or failed to) for the first time. */
  readonly first: Promise<void> = new Promise((resolve) => (this.firstAnswer = resolve));

  constructor(
    private readonly ask: () => Promise<T | undefined>,
    private readonly everyMs: number,
    private readonly now: () => number = Date.now,
    private readonly wait: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  async run(): Promise<void> {
    while (!this.stopped) {
      const started = this.now();
      this.askedAt = started;
      const answer = await this.ask().catch(() => undefined);
      this.answer = answer;
      this.askedAt = undefined;
      if (!this.answered) {
        this.answered = true;
        this.firstAnswer?.();
      }
      if (this.stopped) return;
      await this.wait(Math.max(0, this.everyMs - (this.now() - started)));
    }
  }

  /** The latest answer; undefined if there was none, or a newer question has waited longer than `staleMs` (the source went quiet). */
  latest(staleMs: number): T | undefined {
    if (this.askedAt !== undefined && this.now() - this.askedAt > staleMs) return undefined;
    return this.answer;
  }

  stop(): void {
    this.stopped = true;
  }
}
