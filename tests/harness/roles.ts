/**
 * Samples, every 100 ms, whether each data member's PostgreSQL answers as a
 * primary (pg_is_in_recovery() = false), asking it over its local socket from
 * inside its container. One `docker exec` per member task runs the loop, and one
 * session answers every sample, timed by the server's clock when it answers:
 * sampling costs the machine little (no psql and no backend started per sample,
 * which loaded the 2-core testbed during the timed tests), and keeps going
 * while the node is cut off.
 * A member whose server is frozen or gone does not answer and is counted as not
 * primary (it can accept no write); when a session ends, an "x" sample marks the
 * moment, and a new session is opened.
 *
 * Two members answering as primary in overlapping periods is a split brain.
 */
import { dockerOn } from "./testbed";
import { membersContainers } from "./cluster";
import { execIn, type RunningTask } from "./swarm";

export interface RoleSample {
  at: number;
  member: string;
  primary: boolean;
}

const SAMPLE = "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint, pg_is_in_recovery()";
// stdbuf: psql's output to a pipe would otherwise wait in its buffer. When the session ends (the server stops
// or cannot be reached), an "x" sample at that moment ends the member's last answer, as a failed psql did.
const LOOP = `while :; do while :; do echo "${SAMPLE};"; sleep 0.1; done | { stdbuf -oL psql -XAtq -F ' ' -h /var/run/postgresql -U postgres -d postgres 2>/dev/null; echo "$(date +%s%3N) x"; }; sleep 0.1; done`;

export class RoleSampler {
  readonly samples: RoleSample[] = [];
  private stopped = false;
  private streams: Array<{ destroy(): void }> = [];
  private follower?: Promise<void>;
  /** Each loop's start (its exec created and attached), then its end (its stream closed). */
  private readonly starts: Promise<unknown>[] = [];
  private readonly ends: Promise<void>[] = [];
  /**
   * Names this sampler's loops in the containers' process lists. Closing the exec's stream does not end
   * them (dockerd keeps draining an exec's output after its client left): left running, each psql loop
   * cost about 0.15 of a core, and every test's sampler added its own to the containers that outlived it.
   */
  private readonly mark = `pgswarm-role-sampler-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  private readonly sampled: RunningTask[] = [];

  constructor(
    private readonly stack: string,
    private readonly dataMembers: string[],
  ) {}

  start(): this {
    this.follower = this.follow();
    return this;
  }

  /** Ends every loop it started, in the containers too. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.follower; // no loop starts after this
    await Promise.allSettled(this.starts);
    // pkill never matches itself (its command line holds the mark too); a container that is gone took its loop along.
    await Promise.all(this.sampled.map((task) => execIn(task.node, task.containerId, ["pkill", "-f", this.mark], 10_000).catch(() => undefined)));
    for (const stream of this.streams) stream.destroy();
    await Promise.all(this.ends);
  }

  /** Keeps a sampling loop running in every container that runs a member (two, while one replaces the other). */
  private async follow(): Promise<void> {
    const sampling = new Set<string>();
    while (!this.stopped) {
      const running = await membersContainers(this.stack, this.dataMembers).catch(() => new Map<string, RunningTask[]>());
      if (this.stopped) return;
      for (const [member, tasks] of running) {
        for (const task of tasks) {
          if (sampling.has(task.containerId)) continue;
          sampling.add(task.containerId);
          this.sampled.push(task);
          const started = this.attach(task);
          this.starts.push(started);
          this.ends.push(started.then((stream) => this.read(member, task, stream)).catch(() => undefined));
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }

  private async attach(task: RunningTask): Promise<NodeJS.ReadableStream> {
    const exec = await dockerOn(task.node)
      .getContainer(task.containerId)
      .exec({ Cmd: ["bash", "-c", `: ${this.mark}; ${LOOP}`], AttachStdout: true, AttachStderr: false });
    const stream = await exec.start({ hijack: true, stdin: false });
    this.streams.push(stream as any);
    return stream;
  }

  private read(member: string, task: RunningTask, stream: NodeJS.ReadableStream): Promise<void> {
    let pending = "";
    return new Promise<void>((resolve) => {
      dockerOn(task.node).modem.demuxStream(
        stream,
        {
          write: (chunk: Buffer) => {
            pending += chunk.toString("utf8");
            const lines = pending.split("\n");
            pending = lines.pop() ?? "";
            for (const line of lines) {
              const [at, answer] = line.trim().split(" ");
              if (/^\d+$/.test(at)) this.samples.push({ at: Number(at), member, primary: answer === "f" });
            }
          },
        } as any,
        { write: () => undefined } as any,
      );
      stream.on("end", () => resolve());
      stream.on("close", () => resolve());
      stream.on("error", () => resolve());
    });
  }

  /**
   * Periods in which two members answered as primary. Strict: a member counts as
   * primary from its sample before a primary answer to its sample after it (each
   * at most 600 ms away), since the role may have changed anywhere in between.
   */
  overlaps(): Array<{ members: [string, string]; at: number }> {
    const spans = new Map<string, Array<[number, number]>>();
    for (const member of this.dataMembers) {
      const own = this.samples.filter((sample) => sample.member === member).sort((a, b) => a.at - b.at);
      const list: Array<[number, number]> = [];
      own.forEach((sample, index) => {
        if (!sample.primary) return;
        const [previous, next] = [own[index - 1], own[index + 1]];
        list.push([Math.max(sample.at - 600, previous ? previous.at : sample.at - 600), Math.min(sample.at + 600, next ? next.at : sample.at + 600)]);
      });
      spans.set(member, list);
    }
    const found: Array<{ members: [string, string]; at: number }> = [];
    const names = [...spans.keys()];
    for (let i = 0; i < names.length; i++) {
      for (let j = i + 1; j < names.length; j++) {
        for (const [a0, a1] of spans.get(names[i])!) {
          for (const [b0, b1] of spans.get(names[j])!) {
            if (a0 < b1 && b0 < a1) found.push({ members: [names[i], names[j]], at: Math.max(a0, b0) });
          }
        }
      }
    }
    return found;
  }

  /** How many samples each member gave (a sampler that saw nothing proves nothing). */
  counts(): Record<string, number> {
    return Object.fromEntries(this.dataMembers.map((member) => [member, this.samples.filter((sample) => sample.member === member).length]));
  }
}
