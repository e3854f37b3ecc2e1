/**
 * The operator's client, run inside the cluster (a one-shot service on the DB
 * network started by `npm run switchover` / `npm run status`): it asks every
 * member's agent and prints one JSON document.
 */
import type { ClusterSpec } from "../../../components/contract";
import type { MemberStatus } from "./member";
import type { Peers } from "./peers";
import { sleep } from "./process";
import { routerPools } from "./routerPools";

async function statuses(spec: ClusterSpec, peers: Peers): Promise<Array<MemberStatus | { name: string; unreachable: true }>> {
  return Promise.all(
    spec.members.map(async (member) => (await peers.get<MemberStatus>(member.name, "/status", 1500)) ?? { name: member.name, unreachable: true as const }),
  );
}

const isLeader = (status: MemberStatus | { unreachable: true }): status is MemberStatus =>
  !("unreachable" in status) && status.role === "primary" && status.leaseValid;

export async function ctl(args: string[], spec: ClusterSpec, peers: Peers): Promise<void> {
  const [verb, target] = args;
  const print = (document: unknown) => process.stdout.write(`${JSON.stringify(document)}\n`);
  if (verb === "status") {
    const [members, routers] = await Promise.all([statuses(spec, peers), routerPools(spec.stack)]);
    print({ stack: spec.stack, topology: spec.topology, replicaMaxLagBytes: spec.replicaMaxLagBytes, members, routers, at: new Date().toISOString() });
    return;
  }
  if (verb === "switchover") {
    const before = (await statuses(spec, peers)).find(isLeader);
    if (!before) throw new Error("no member holds the primary's lease: nothing to switch over");
    if (target && target === before.name) {
      print({ ok: true, from: before.name, to: before.name, note: `${target} already is the primary` });
      return;
    }
    const started = Date.now();
    const answer = await peers.post<{ ok: boolean; leader?: string; reason?: string }>(before.name, "/v1/switchover", { target }, 60_000);
    if (!answer?.ok) {
      print({ ok: false, from: before.name, reason: answer?.reason ?? "the primary did not answer" });
      process.exitCode = 1;
      return;
    }
    for (let attempt = 0; attempt < 100; attempt++) {
      const leader = (await statuses(spec, peers)).find(isLeader);
      if (leader && leader.name !== before.name) {
        print({ ok: true, from: before.name, to: leader.name, term: leader.term, ms: Date.now() - started });
        return;
      }
      await sleep(100);
    }
    print({ ok: false, from: before.name, reason: `${answer.leader} took over but holds no lease yet` });
    process.exitCode = 1;
    return;
  }
  throw new Error(`usage: pgswarm-agent ctl status | switchover [pgnodeN]`);
}
