/**
 * A replicated cluster on the testbed as its members' agents report it, and
 * the faults the chaos tests inject: kill a container, stop a node's Docker
 * engine, cut a node off the network, freeze PostgreSQL.
 */
import { execFile } from "child_process";
import * as path from "path";
import { promisify } from "util";
import { AGENT_PORT, ENDPOINTS } from "../../components/contract";
import { dockerOn, NODES, type NodeName } from "./testbed";
import { eventually, execIn, runningTasks, type RunningTask } from "./swarm";

const run = promisify(execFile);
const TESTBED = path.join(__dirname, "testbed.sh");

/** What a member's agent answers on /status (images/postgres/agent/member.ts MemberStatus). */
export interface AgentStatus {
  name: string;
  kind: "data" | "witness";
  phase: string;
  role: "primary" | "standby" | "witness" | "none";
  term: number;
  leader?: string;
  leaseValid: boolean;
  syncSet?: string[];
  synchronousStandbyNames?: string;
  postgres?: { healthy: boolean; inRecovery: boolean; timeline: number; receiver?: string; sender?: string; lagBytes?: string };
  replicas?: Array<{ name: string; state: string; syncState: string }>;
}

export interface Member extends RunningTask {
  name: string;
  status?: AgentStatus;
}

export const memberService = (stack: string, member: string) => `${stack}_${member}`;

/** The agent's /status, asked from inside the member's container (its port is on the DB network only). */
export async function agentStatus(task: RunningTask, timeoutMs = 3000): Promise<AgentStatus | undefined> {
  try {
    const text = await execIn(
      task.node,
      task.containerId,
      ["bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${AGENT_PORT} && printf "GET /status HTTP/1.0\\r\\n\\r\\n" >&3 && tail -n 1 <&3`],
      timeoutMs,
    );
    return JSON.parse(text) as AgentStatus;
  } catch {
    return undefined;
  }
}

/**
 * The containers that run a member right now, newest first, asked of each
 * node's engine: what runs, not what Swarm intends (after a node was cut off,
 * Swarm may list the member's container as being replaced while it still
 * serves, and start its successor only later, which then waits for the volume lock).
 */
export async function memberContainers(stack: string, name: string): Promise<RunningTask[]> {
  return (await membersContainers(stack, [name])).get(name) ?? [];
}

/** memberContainers of several members: one question per node, however many members. */
export async function membersContainers(stack: string, names: string[]): Promise<Map<string, RunningTask[]>> {
  const memberOf = new Map(names.map((name) => [memberService(stack, name), name]));
  const found = new Map<string, Array<RunningTask & { created: number }>>(names.map((name) => [name, []]));
  await Promise.all(
    NODES.map(async (node) => {
      const containers = await dockerOn(node)
        .listContainers({ filters: { label: ["com.docker.swarm.service.name"], status: ["running"] } })
        .catch(() => []);
      for (const container of containers) {
        const service = container.Labels["com.docker.swarm.service.name"];
        const name = memberOf.get(service);
        if (name === undefined) continue;
        found.get(name)!.push({ service, node, containerId: container.Id, taskId: container.Labels["com.docker.swarm.task.id"] ?? "", created: container.Created });
      }
    }),
  );
  return new Map(
    [...found].map(([name, tasks]) => [name, tasks.sort((a, b) => b.created - a.created).map(({ created: _created, ...task }) => task)]),
  );
}

/** Each member as its agent reports it (the newest of its containers whose agent answers). */
export async function members(stack: string, names: string[]): Promise<Member[]> {
  const found = await Promise.all(
    names.map(async (name) => {
      for (const task of await memberContainers(stack, name)) {
        const status = await agentStatus(task);
        if (status) return { ...task, name, status } as Member;
      }
      return undefined;
    }),
  );
  return found.filter((member): member is Member => member !== undefined);
}

/** The member holding the primary's lease, if exactly one does. */
export async function primary(stack: string, names: string[]): Promise<Member | undefined> {
  const leaders = (await members(stack, names)).filter((member) => member.status?.role === "primary" && member.status.leaseValid);
  return leaders.length === 1 ? leaders[0] : undefined;
}

/**
 * A bash script, run in a member's container, that prints each of `peers` whose
 * agent it cannot connect to by name within a second: the name resolves on the
 * DB network and a connection opens both ways, as an election needs.
 */
export function unreachablePeersScript(peers: string[]): string {
  for (const peer of peers) if (!/^[a-z0-9][a-z0-9-]*$/.test(peer)) throw new Error(`not a member name: ${peer}`);
  return `for peer in ${peers.join(" ")}; do timeout 1 bash -c "exec 3<>/dev/tcp/$peer/${AGENT_PORT}" 2>/dev/null || echo "$peer"; done; true`;
}

/** Who in `from` cannot reach which of `peers` (a task that cannot be asked reaches none), as "from → peer". */
async function unreachableFrom(from: Array<RunningTask & { name: string }>, peersOf: (name: string) => string[]): Promise<string[]> {
  const pairs = await Promise.all(
    from.map(async (task) => {
      const peers = peersOf(task.name);
      if (peers.length === 0) return [];
      const missing = await execIn(task.node, task.containerId, ["bash", "-c", unreachablePeersScript(peers)], 5000).then(
        (output) => output.split(/\s+/).filter(Boolean),
        () => peers,
      );
      return missing.map((peer) => `${task.name} → ${peer}`);
    }),
  );
  return pairs.flat();
}

/**
 * The routers (db-rw, and db-ro in read-split) that cannot reach a data member, as "db-rw@pgm → pgnode2".
 * The same overlay gossip can leave a router on one node unable to reach a member restarted on another
 * one while the members reach each other: db-rw could then not follow a failover to it.
 */
export async function unreachableFromRouters(stack: string, dataMembers: string[]): Promise<string[]> {
  const routers = (
    await Promise.all(
      [ENDPOINTS.rw, ENDPOINTS.ro].map(async (endpoint) =>
        (await runningTasks(`${stack}_${endpoint}`).catch(() => [])).map((task) => ({ ...task, name: `${endpoint}@${task.node}` })),
      ),
    )
  ).flat();
  return unreachableFrom(routers, () => dataMembers);
}

/**
 * The pairs of members ("pgnode1 → pgnode3") whose agents cannot reach each other. After a node was cut off
 * and healed, Docker's overlay gossip can leave a container started there unreachable from the other nodes
 * for up to about a minute (the survivors dropped the node from the network's peers: moby/moby#53141): the roles look
 * whole, yet no election could be held. A member that cannot be asked counts as reaching none.
 */
export function unreachablePeers(all: Member[]): Promise<string[]> {
  return unreachableFrom(all, (name) => all.filter((other) => other.name !== name).map((other) => other.name));
}

/** What full redundancy asks of the commits: with `synchronous: off` they wait for no standby. */
export interface RedundancyOptions {
  synchronous: boolean;
  /**
   * Whether the reach checks count (default true). false asks for the replication alone: roles, streaming and the
   * quorum, which pgswarm restores; the reach after a cut also waits for Docker's overlay gossip (moby/moby#53141).
   */
  mesh?: boolean;
}

/**
 * Full redundancy: one primary holding its lease, every other data member a
 * healthy standby streaming from it, commits waiting for the full quorum again
 * (every standby named), the witness (if any) following the same term, and
 * every member's agent reachable from every other (an election could be held)
 * and every data member's from every router (db-rw can follow a failover).
 */
export async function fullRedundancy(stack: string, dataMembers: string[], witness?: string, options: RedundancyOptions = { synchronous: true }): Promise<Member> {
  const all = await members(stack, witness ? [...dataMembers, witness] : dataMembers);
  const leader = all.find((member) => member.status?.role === "primary" && member.status.leaseValid);
  if (!leader) throw new Error(`no primary: ${describe(all)}`);
  const problems: string[] = [];
  for (const name of dataMembers) {
    if (name === leader.name) continue;
    const member = all.find((candidate) => candidate.name === name);
    const status = member?.status;
    if (!status) problems.push(`${name} does not answer`);
    else if (status.role !== "standby" || status.postgres?.receiver !== "streaming" || status.postgres.sender !== leader.name) {
      problems.push(`${name} is ${status.phase}/${status.role}, receiver ${status.postgres?.receiver ?? "-"} from ${status.postgres?.sender ?? "-"}`);
    }
  }
  const standbys = dataMembers.filter((name) => name !== leader.name);
  const waitsFor = leader.status?.synchronousStandbyNames ?? "";
  if (options.synchronous && !standbys.every((name) => waitsFor.includes(name))) problems.push(`commits wait for "${waitsFor}", not every standby`);
  if (!options.synchronous && waitsFor !== "") problems.push(`commits still wait for "${waitsFor}" with synchronous: off`);
  if (witness) {
    const status = all.find((member) => member.name === witness)?.status;
    if (!status || status.term !== leader.status!.term) problems.push(`the witness is at term ${status?.term ?? "?"}`);
  }
  if (problems.length === 0 && options.mesh !== false) {
    const unreachable = [...(await unreachablePeers(all)), ...(await unreachableFromRouters(stack, dataMembers))];
    if (unreachable.length > 0) problems.push(`out of reach: ${unreachable.join(", ")}`);
  }
  if (problems.length > 0) throw new Error(`not at full redundancy (primary ${leader.name}): ${problems.join("; ")}`);
  return leader;
}

export function waitFullRedundancy(stack: string, dataMembers: string[], witness?: string, timeoutMs = 120_000, options?: RedundancyOptions): Promise<Member> {
  return eventually(() => fullRedundancy(stack, dataMembers, witness, options), timeoutMs, 500);
}

function describe(all: Member[]): string {
  return all.map((member) => `${member.name}: ${member.status ? `${member.status.phase}/${member.status.role} term ${member.status.term}` : "no answer"}`).join(", ");
}

/** A SQL query on a member through its local socket. */
export async function psql(task: RunningTask, sql: string, timeoutMs = 10_000): Promise<string> {
  return (await execIn(task.node, task.containerId, ["psql", "-XAtq", "-h", "/var/run/postgresql", "-U", "postgres", "-d", "app", "-c", sql], timeoutMs)).trim();
}

/** What a member logged, from every container it ran in on every node (to tell a rewind from a re-clone). */
export async function memberLogs(stack: string, member: string): Promise<string> {
  const service = memberService(stack, member);
  const logs: string[] = [];
  for (const node of NODES) {
    const docker = dockerOn(node);
    const containers = await docker.listContainers({ all: true, filters: { label: [`com.docker.swarm.service.name=${service}`] } });
    for (const container of containers) {
      const buffer = (await docker.getContainer(container.Id).logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
      logs.push(buffer.toString("utf8"));
    }
  }
  return logs.join("\n");
}

/** The agent lines that explain a failover: elections, fences, promotions, handovers, rejoins, stops. */
const AGENT_EVENT = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) pgswarm\[([\w-]+)\]: ((?:elected|FENCING|promoted|handover|handed over|.* leads after|rewound|rewinding|cloning|re-clon|SIGINT|SIGTERM|stopped:|running as|starting as|election|pre-vote|the leader is silent|another container|.* did not take over).*)$/;

/**
 * The members' agent events since `sinceMs`, oldest first, as "+N ms member: what" (N from `originMs`), at most
 * `limit` of them: printed with each chaos scenario, so a slow or odd run explains itself in CI's log.
 */
export async function agentEvents(stack: string, members: string[], sinceMs: number, originMs = sinceMs, limit = 20): Promise<string[]> {
  const events: Array<{ at: number; line: string }> = [];
  for (const member of members) {
    for (const node of NODES) {
      const docker = dockerOn(node);
      const containers = await docker.listContainers({ all: true, filters: { label: [`com.docker.swarm.service.name=${memberService(stack, member)}`] } });
      for (const container of containers) {
        const buffer = (await docker.getContainer(container.Id).logs({ stdout: true, stderr: true, follow: false, since: Math.floor(sinceMs / 1000) })) as unknown as Buffer;
        // Docker frames each chunk of a non-TTY log with 8 bytes; the lines themselves stay intact.
        for (const raw of buffer.toString("utf8").split("\n")) {
          const match = AGENT_EVENT.exec(raw.replace(/^[\s\S]*?(?=\d{4}-\d\d-\d\dT)/, "").trim());
          if (!match) continue;
          const at = Date.parse(match[1]);
          if (at >= sinceMs) events.push({ at, line: `${at - originMs >= 0 ? "+" : ""}${at - originMs} ms ${match[2]}: ${match[3].slice(0, 160)}` });
        }
      }
    }
  }
  events.sort((a, b) => a.at - b.at);
  const lines = events.map((event) => event.line);
  return lines.length > limit ? [...lines.slice(0, limit), `… ${lines.length - limit} more`] : lines;
}

// ---------------------------------------------------------------- faults

export async function killContainer(task: RunningTask): Promise<void> {
  await dockerOn(task.node).getContainer(task.containerId).kill();
}

/** Cut a node off the network (its link to the bridge goes down); heal brings it back. */
export async function cutNode(node: NodeName): Promise<void> {
  await run("ip", ["link", "set", `${node}-h`, "down"]);
}

export async function healNode(node: NodeName): Promise<void> {
  await run("ip", ["link", "set", `${node}-h`, "up"]);
}

export async function stopEngine(node: NodeName): Promise<void> {
  await run("bash", [TESTBED, "stop-engine", node], { timeout: 90_000 });
}

export async function startEngine(node: NodeName): Promise<void> {
  await run("bash", [TESTBED, "start-engine", node], { timeout: 90_000 });
}

/** SIGSTOP (or SIGCONT) every PostgreSQL process of a member: the postmaster and all its children. */
export async function signalPostgres(task: RunningTask, signal: "STOP" | "CONT"): Promise<void> {
  await execIn(task.node, task.containerId, ["pkill", `-${signal}`, "-x", "postgres"], 10_000).catch((error: Error) => {
    // pkill exits 1 when nothing matched (the member already killed its processes): fine for CONT.
    if (signal === "STOP") throw error;
  });
}

/** The PIDs of a member's PostgreSQL processes (inside its container). */
export async function postgresPids(task: RunningTask): Promise<string[]> {
  const out = await execIn(task.node, task.containerId, ["pgrep", "-x", "postgres"], 10_000).catch(() => "");
  return out.split("\n").map((line) => line.trim()).filter(Boolean);
}

/** Every node back: links up, engines running (after a test that failed half-way). */
export async function healEverything(): Promise<void> {
  for (const node of NODES) {
    await healNode(node).catch(() => undefined);
    try {
      await dockerOn(node).ping();
    } catch {
      await startEngine(node).catch(() => undefined);
    }
  }
}
