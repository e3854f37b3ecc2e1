/**
 * How long this machine left a plain process unscheduled during a bench: a worker thread wakes every
 * 100 ms and records how late it woke. On the 2-core testbed a saturating load starved even a process
 * outside the swarm for over 2 s (every member's agent with it), so a bench reports the stalls it ran
 * through beside its figures, and a broken run can be told from a slow path.
 */
import { Worker } from "worker_threads";

export interface Stall {
  /** When the late wake-up came (ISO time). */
  at: string;
  /** How long the 100 ms sleep really took. */
  ms: number;
}

export interface StallReport {
  /** The longest sleep of 100 ms, in ms (100 on an idle machine). */
  longestMs: number;
  /** Sleeps that took at least 1 s. */
  overOneSecond: number;
  /** The five longest, longest first. */
  worst: Stall[];
}

const TICK_MS = 100;

/** Stalls at least this long are kept, to tell which bench runs they fell into. */
const KEPT_STALL_MS = 300;

/** The longest of `stalls` (each the span from `at - ms` to `at`) that overlaps `from`..`to`; 0 if none. */
export function longestOverlapping(stalls: Array<{ at: number; ms: number }>, from: number, to: number): number {
  let longest = 0;
  for (const stall of stalls) if (stall.at >= from && stall.at - stall.ms <= to && stall.ms > longest) longest = stall.ms;
  return longest;
}

const WATCH_LOOP = `
const { parentPort } = require("worker_threads");
const longestOverlapping = ${longestOverlapping.toString()};
let last = Date.now();
let worst = [];
let overOneSecond = 0;
const kept = [];
const timer = setInterval(() => {
  const now = Date.now();
  const ms = now - last;
  last = now;
  if (ms >= 1000) overOneSecond++;
  if (ms >= ${KEPT_STALL_MS} && kept.length < 10000) kept.push({ at: now, ms });
  worst.push({ at: now, ms });
  worst = worst.sort((a, b) => b.ms - a.ms).slice(0, 5);
}, ${TICK_MS});
parentPort.on("message", (message) => {
  if (message.type === "longest") {
    // A stall may still be going on, or have ended without its tick having run yet: count it as well.
    const now = Date.now();
    const current = { at: now, ms: now - last };
    parentPort.postMessage({ id: message.id, ms: longestOverlapping([...kept, ...(current.ms >= ${KEPT_STALL_MS} ? [current] : [])], message.from, message.to) });
    return;
  }
  clearInterval(timer);
  parentPort.postMessage({ id: message.id, worst, overOneSecond });
});
`;

/** Summarises what the watcher saw (pure: tested directly). */
export function summariseStalls(worst: Array<{ at: number; ms: number }>, overOneSecond: number): StallReport {
  const sorted = [...worst].sort((a, b) => b.ms - a.ms);
  return {
    longestMs: sorted[0]?.ms ?? 0,
    overOneSecond,
    worst: sorted.slice(0, 5).map((sample) => ({ at: new Date(sample.at).toISOString(), ms: sample.ms })),
  };
}

export class StallWatch {
  private readonly worker = new Worker(WATCH_LOOP, { eval: true });
  private nextId = 0;
  /** Why the watcher's thread ended before it was asked to stop, if it did. */
  private failed?: Error;

  constructor() {
    this.worker.on("error", (error) => (this.failed = error));
  }

  private ask<T>(message: Record<string, unknown>): Promise<T> {
    if (this.failed) return Promise.reject(new Error(`the stall watcher failed: ${this.failed.message}`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onMessage = (reply: { id: number } & T) => {
        if (reply.id !== id) return;
        done();
        resolve(reply);
      };
      const onError = (error: Error) => {
        done();
        reject(new Error(`the stall watcher failed: ${error.message}`));
      };
      const done = () => {
        this.worker.off("message", onMessage);
        this.worker.off("error", onError);
      };
      this.worker.on("message", onMessage);
      this.worker.on("error", onError);
      this.worker.postMessage({ ...message, id });
    });
  }

  /** The longest stall (of at least 300 ms; else 0) that overlapped the span from `from` to `to` (epoch ms). */
  async longestBetween(from: number, to: number): Promise<number> {
    return (await this.ask<{ ms: number }>({ type: "longest", from, to })).ms;
  }

  /** Stops watching and says what it saw. */
  async stop(): Promise<StallReport> {
    const seen = await this.ask<{ worst: Array<{ at: number; ms: number }>; overOneSecond: number }>({ type: "stop" });
    await this.worker.terminate();
    return summariseStalls(seen.worst, seen.overOneSecond);
  }
}
