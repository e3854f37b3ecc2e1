/**
 * The operator's client, run inside the cluster (a one-shot service on the DB
 * network started by `npm run switchover` / `npm run status`): it asks every
 * member's agent and prints one JSON document.
 */
import { BACKUP_REPO_HOST, type ClusterSpec } from "../../../components/contract";
import type { MemberStatus } from "./member";
import type { Peers } from "./peers";
import { Poller } from "./poller";
import { sleep } from "./process";
import { routerEndpoints, routerPools } from "./routerPools";

async function statuses(spec: ClusterSpec, peers: Peers, timeoutMs = 1500): Promise<Array<MemberStatus | { name: string; unreachable: true }>> {
  return Promise.all(
    spec.members.map(async (member) => (await peers.get<MemberStatus>(member.name, "/status", timeoutMs)) ?? { name: member.name, unreachable: true as const }),
  );
}

const isLeader = (status: MemberStatus | { unreachable: true }): status is MemberStatus =>
  !("unreachable" in status) && status.role === "primary" && status.leaseValid;

/** The interval of `status --every <ms>` (100 ms to 60 s), or 0 for one document. */
export function statusInterval(args: string[]): number {
  const at = args.indexOf("--every");
  if (at < 0) return 0;
  const ms = Number(args[at + 1]);
  if (!Number.isInteger(ms) || ms < 100 || ms > 60_000) throw new Error(`status --every wants milliseconds from 100 to 60000, got "${args[at + 1] ?? ""}"`);
  return ms;
}

/** `--for <s>` of `status --every`: how long to go on (1 s to a day; 10 minutes unless given). */
export function statusLifetimeMs(args: string[]): number {
  const at = args.indexOf("--for");
  if (at < 0) return 600_000;
  const seconds = Number(args[at + 1]);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86_400) throw new Error(`status --for wants seconds from 1 to 86400, got "${args[at + 1] ?? ""}"`);
  return seconds * 1000;
}

export async function ctl(args: string[], spec: ClusterSpec, peers: Peers): Promise<void> {
  const [verb, target] = args;
  const print = (document: unknown) => process.stdout.write(`${JSON.stringify(document)}\n`);
  if (verb === "status") {
    // `status --every <ms> [--for <s>]`: a document per interval (npm run status --watch follows them), for at
    // most --for seconds, so a ctl whose watcher was killed outright does not outlive it for long.
    const everyMs = statusInterval(args);
    const until = Date.now() + statusLifetimeMs(args);
    const document = (members: unknown[], routers: unknown, backups: unknown) => ({
      stack: spec.stack,
      topology: spec.topology,
      replicaMaxLagBytes: spec.replicaMaxLagBytes,
      members,
      routers,
      backups: backups ?? { unreachable: true },
      at: new Date().toISOString(),
    });
    if (!everyMs) {
      const [members, routers, backups] = await Promise.all([
        statuses(spec, peers, 1500),
        routerPools(spec.stack, routerEndpoints(spec.topology), 1500),
        peers.get(BACKUP_REPO_HOST, "/status", 1500),
      ]);
      print(document(members, routers, backups));
      return;
    }
    // Watching: every source is asked in the background and each document shows what is known at its tick,
    // so a member cut off (its question pending longer than staleMs) reads as unreachable without delaying the rest.
    const waitMs = Math.min(1500, Math.max(1000, everyMs));
    const staleMs = Math.max(1000, everyMs);
    // Members are asked more often than documents are printed: a new primary shows at the next tick, not one interval later.
    const askEveryMs = Math.min(everyMs, 250);
    const memberPollers = spec.members.map((member) => new Poller(() => peers.get<MemberStatus>(member.name, "/status", waitMs), askEveryMs));
    const routerPoller = new Poller(() => routerPools(spec.stack, routerEndpoints(spec.topology), waitMs), everyMs);
    const backupPoller = new Poller(() => peers.get(BACKUP_REPO_HOST, "/status", waitMs), everyMs);
    const pollers = [...memberPollers, routerPoller, backupPoller];
    for (const poller of pollers) void poller.run();
    await Promise.race([Promise.all(pollers.map((poller) => poller.first)), sleep(waitMs)]);
    for (;;) {
      const started = Date.now();
      const members = spec.members.map((member, index) => memberPollers[index].latest(staleMs) ?? { name: member.name, unreachable: true as const });
      // Routers and the repository keep their last full answer: a cut router shows as not answering inside it.
      print(document(members, routerPoller.latest(Number.POSITIVE_INFINITY) ?? [], backupPoller.latest(Number.POSITIVE_INFINITY)));
      if (Date.now() >= until) {
        for (const poller of pollers) poller.stop();
        return;
      }
      await sleep(Math.max(0, everyMs - (Date.now() - started)));
    }
  }
  if (verb === "switchover") {
    const before = (await statuses(spec, peers)).find(isLeader);
    if (!before) throw new Error("no member holds the primary's lease: nothing to switch over");
    if (target && target === before.name) {
      print({ ok: true, from: before.name, to: before.name, note: `${target} already is the primary` });
      return;
    }
    const started = Date.now();
    const answer = await peers.post<{ ok: boolean; leader?: string; reason?: string; note?: string }>(before.name, "/v1/switchover", { target }, 60_000);
    if (!answer?.ok) {
      print({ ok: false, from: before.name, reason: answer?.reason ?? "the primary did not answer" });
      process.exitCode = 1;
      return;
    }
    for (let attempt = 0; attempt < 100; attempt++) {
      const leader = (await statuses(spec, peers)).find(isLeader);
      if (leader && leader.name !== before.name) {
        // The named standby could not take over and another did: the primary moved, and the operator learns why not there.
        const note = target && leader.name !== target ? (answer.note ?? `${target} did not take over`) : undefined;
        print({ ok: true, from: before.name, to: leader.name, term: leader.term, ms: Date.now() - started, ...(note ? { requested: target, note } : {}) });
        return;
      }
      await sleep(100);
    }
    print({ ok: false, from: before.name, reason: `${answer.leader} took over but holds no lease yet` });
    process.exitCode = 1;
    return;
  }
  if (verb === "backups") {
    const status = await peers.get(BACKUP_REPO_HOST, "/status", 10_000);
    print(status ?? { unreachable: true, reason: peers.lastError.get(BACKUP_REPO_HOST) });
    if (!status) process.exitCode = 1;
    return;
  }
  if (verb === "backup") {
    // full, diff or incr, or dump (a logical dump now); the answer comes when it is done.
    const kind = target ?? "full";
    const result = await peers.post<{ ok: boolean }>(BACKUP_REPO_HOST, kind === "dump" ? "/v1/dump" : "/v1/backup", { type: kind }, 12 * 3600_000);
    print(result ?? { ok: false, error: `the backup repository did not answer: ${peers.lastError.get(BACKUP_REPO_HOST) ?? "no reply"}` });
    if (!result?.ok) process.exitCode = 1;
    return;
  }
  throw new Error(`usage: pgswarm-agent ctl status [--every <ms> [--for <s>]] | switchover [pgnodeN] | backups | backup [full|diff|incr|dump]`);
}
