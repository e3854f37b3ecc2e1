/**
 * Samples, every 100 ms, whether each data member's PostgreSQL answers as a
 * primary (pg_is_in_recovery() = false), asking it over its local socket from
 * inside its container. The loop runs in the container (one `docker exec` per
 * member task, not one per sample), so sampling costs little and keeps going
 * while the node is cut off; a member whose server is frozen or gone does not
 * answer and is counted as not primary (it can accept no write).
 *
 * Two members answering as primary in overlapping periods is a split brain.
 */
import { dockerOn } from "./testbed";
import { memberContainers } from "./cluster";
import type { RunningTask } from "./swarm";

export interface RoleSample {
  at: number;
  member: string;
  primary: boolean;
}

const LOOP = `while :; do r=$(timeout 1 psql -XAtq -h /var/run/postgresql -U postgres -d postgres -c 'select pg_is_in_recovery()' 2>/dev/null || echo x); echo "$(date +%s%3N) $r"; sleep 0.1; done`;

export class RoleSampler {
  readonly samples: RoleSample[] = [];
  private stopped = false;
  private streams: Array<{ destroy(): void }> = [];
  private loops: Promise<void>[] = [];

  constructor(
    private readonly stack: string,
    private readonly dataMembers: string[],
  ) {}

  start(): this {
    this.loops = this.dataMembers.map((member) => this.follow(member));
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const stream of this.streams) stream.destroy();
    await Promise.all(this.loops);
  }

  /** Keeps a sampling loop running in every container that runs the member (two, while one replaces the other). */
  private async follow(member: string): Promise<void> {
    const sampling = new Set<string>();
    const loops: Promise<void>[] = [];
    while (!this.stopped) {
      for (const task of await memberContainers(this.stack, member).catch(() => [] as RunningTask[])) {
        if (sampling.has(task.containerId)) continue;
        sampling.add(task.containerId);
        loops.push(this.sample(member, task).catch(() => undefined));
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await Promise.all(loops);
  }

  private async sample(member: string, task: RunningTask): Promise<void> {
    const docker = dockerOn(task.node);
    const exec = await docker.getContainer(task.containerId).exec({ Cmd: ["bash", "-c", LOOP], AttachStdout: true, AttachStderr: false });
    const stream = await exec.start({ hijack: true, stdin: false });
    this.streams.push(stream as any);
    let pending = "";
    await new Promise<void>((resolve) => {
      docker.modem.demuxStream(
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
