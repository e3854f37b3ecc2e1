/**
 * A client that writes through the demo app (and so through db-rw) every
 * intervalMs, recording every attempt: when it started and ended, whether the
 * database acknowledged it, and which member committed it. Each write carries a
 * unique value, and is never retried once delivered, so the rows tell exactly
 * which acknowledged commits survived, and whether any survived twice.
 */
import { Worker } from "worker_threads";

export interface WriteAttempt {
  value: string;
  target: string;
  startedAt: number;
  endedAt?: number;
  ok?: boolean;
  /** The member that committed it (the demo app returns cluster_name). */
  node?: string;
  error?: string;
  /** How many instances it could not connect to before one took it (WriterOptions.retryRefused). */
  refusedBy?: number;
}

/**
 * The failed attempts started between `from` and `to`, one line per target and error, the most frequent
 * first (at most `limit`): how many, and when, in ms after `from`. Why a write outage lasted as long as it did.
 */
export function summariseFailures(attempts: WriteAttempt[], from: number, to: number, limit = 8): string[] {
  const groups = new Map<string, { count: number; first: number; last: number }>();
  for (const attempt of attempts) {
    if (attempt.ok || attempt.startedAt < from || attempt.startedAt > to) continue;
    const key = `${attempt.target}: ${(attempt.error ?? "failed").slice(0, 160)}`;
    const at = attempt.startedAt - from;
    const group = groups.get(key);
    if (group) {
      group.count++;
      group.last = at;
    } else groups.set(key, { count: 1, first: at, last: at });
  }
  return [...groups]
    .sort(([, a], [, b]) => b.count - a.count)
    .slice(0, limit)
    .map(([key, group]) => `${group.count}× ${key} (+${group.first}…+${group.last} ms)`);
}

export interface WriterOptions {
  /** Base URLs of the demo app's instances; writes go round-robin over them. */
  targets: string[];
  prefix: string;
  intervalMs?: number;
  timeoutMs?: number;
  /**
   * As a load balancer in front of the app does (HAProxy's `retry-on conn-failure`): a write whose
   * connection could not be opened (refused: the instance is stopping or not started; or a connect error
   * that says the host cannot be reached) goes to the next instance, as the request never reached one.
   * A connect that hangs until the write's own timeout is not retried: the timeout cannot tell it from a
   * request that was sent. Each write opens a connection of its own, so none is sent on a connection a
   * stopping instance is closing.
   */
  retryRefused?: boolean;
}

/**
 * The write loop, in a worker thread of its own: the test process also runs deploys (the program under
 * the mocks, seconds of CPU on one thread), and a writer on that thread would see its own stalls as the
 * database's (a rolling update's 3 s "pause" was the deploy's second run). Each attempt is timed here and
 * posted when it ends.
 */
const WRITE_LOOP = `
const { parentPort, workerData } = require("worker_threads");
const { targets, prefix, intervalMs, timeoutMs, retryRefused } = workerData;
// Failures to open the connection: no byte of the request reached an instance, so sending it to the next
// one cannot commit it twice. A reset or a close after the connection was open is never retried.
const NOT_CONNECTED = ["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"];
const refused = (error) => Boolean(error && error.cause && NOT_CONNECTED.includes(error.cause.code));
let sequence = 0;
const inFlight = new Set();
function writeOne() {
  if (inFlight.size >= 50) return;
  const current = sequence++;
  const target = targets[current % targets.length];
  const attempt = { value: prefix + "-" + current, target, startedAt: Date.now() };
  const post = (to) => {
    attempt.target = to;
    return fetch(to + "/items", {
      method: "POST",
      headers: { "content-type": "application/json", ...(retryRefused ? { connection: "close" } : {}) },
      body: JSON.stringify({ value: attempt.value }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  };
  const done = (async () => {
    try {
      let response;
      for (let tried = 0; ; tried++) {
        try {
          response = await post(targets[(current + tried) % targets.length]);
          break;
        } catch (error) {
          if (!retryRefused || !refused(error) || tried + 1 >= targets.length) throw error;
          attempt.refusedBy = (attempt.refusedBy || 0) + 1;
        }
      }
      const body = await response.json();
      attempt.ok = response.status === 201;
      attempt.node = body.node;
      if (!attempt.ok) attempt.error = body.error || "HTTP " + response.status;
    } catch (error) {
      attempt.ok = false;
      // fetch's own message ("fetch failed") says nothing: the socket's reason is in its cause.
      const cause = error && error.cause;
      const reason = cause ? [cause.code, cause.message].filter(Boolean).join(": ") || String(cause) : "";
      attempt.error = error.message + (reason ? " (" + reason + ")" : "");
    } finally {
      attempt.endedAt = Date.now();
      parentPort.postMessage({ attempt });
    }
  })();
  inFlight.add(done);
  done.finally(() => inFlight.delete(done));
}
const timer = setInterval(writeOne, intervalMs);
parentPort.on("message", async (message) => {
  if (message !== "stop") return;
  clearInterval(timer);
  await Promise.all([...inFlight]);
  parentPort.postMessage({ stopped: true });
});
`;

export class Writer {
  /** Every attempt that has ended, in the order they ended. */
  readonly attempts: WriteAttempt[] = [];
  private worker?: Worker;

  constructor(private readonly options: WriterOptions) {}

  start(): this {
    const { targets, prefix } = this.options;
    this.worker = new Worker(WRITE_LOOP, {
      eval: true,
      workerData: {
        targets,
        prefix,
        intervalMs: this.options.intervalMs ?? 100,
        timeoutMs: this.options.timeoutMs ?? 3000,
        retryRefused: this.options.retryRefused === true,
      },
    });
    this.worker.on("message", (message: { attempt?: WriteAttempt }) => {
      if (message.attempt) this.attempts.push(message.attempt);
    });
    return this;
  }

  /** Stops writing, waits for the writes in flight, and ends the worker. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    const stopped = new Promise<void>((resolve) => worker.on("message", (message: { stopped?: boolean }) => message.stopped && resolve()));
    worker.postMessage("stop");
    await stopped;
    await worker.terminate();
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
    return this.longestGapSpan(from, to).ms;
  }

  /** The longest time without an acknowledged write between `from` and `to`, and when it began (the ack before it). */
  longestGapSpan(from: number, to: number): { ms: number; startedAt: number } {
    const acks = this.acknowledged()
      .map((attempt) => attempt.endedAt!)
      .sort((a, b) => a - b);
    const before = acks.filter((at) => at < from).pop() ?? from;
    const inside = acks.filter((at) => at >= from && at <= to);
    const after = acks.find((at) => at > to);
    const points = [before, ...inside, ...(after !== undefined ? [after] : [to])];
    let longest = { ms: 0, startedAt: from };
    for (let i = 1; i < points.length; i++) if (points[i] - points[i - 1] > longest.ms) longest = { ms: points[i] - points[i - 1], startedAt: points[i - 1] };
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
