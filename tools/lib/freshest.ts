/**
 * A slow source read in the background (Swarm's task list, which stalls while
 * its managers elect): `current()` hands back the freshest value at once and
 * starts the next read, waiting for it only briefly, or longer while nothing
 * is known yet. `status --watch` shows the agents' answer this way, so a slow
 * task list never delays the line that names a new primary.
 */
export class Freshest<T> {
  private known?: T;
  private pending?: Promise<void>;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly onError: (error: Error) => void,
    /** How long to wait for a read in flight when a value is already known. */
    private readonly freshWaitMs: number,
    /** How long to wait for the first value. */
    private readonly firstWaitMs: number,
  ) {}

  async current(): Promise<T | undefined> {
    this.pending ??= this.read()
      .then((value) => void (this.known = value))
      .catch((error) => this.onError(error as Error))
      .finally(() => (this.pending = undefined));
    const waitMs = this.known === undefined ? this.firstWaitMs : this.freshWaitMs;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.pending, new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
    return this.known;
  }
}
