/**
 * haproxy.cfg for a router. Each backend admits a member only after the
 * member's own agent says it has the backend's role — `primary` holds the
 * primary's lease; `replicas` stream from it within the lag limit — judged
 * twice: HAProxy's HTTP check against the agent, and the router's role gate
 * (images/router/pgswarm-gate.lua), which keeps every server disabled until
 * the agent has answered, closes a server's sessions the moment its agent says
 * no, and after a short grace when its agent does not answer at all.
 * No process is forked per check.
 *
 * rw: only the primary. ro: streaming replicas within the lag limit, and the
 * primary when no replica qualifies.
 */
import { parseDurationMs, parseSizeBytes, type StackConfig } from "../../config";
import { AGENT_PORT, POSTGRES_PORT, ROUTER_METRICS_PORT } from "../../contract";

export { ROUTER_METRICS_PORT };

export type RouterMode = "rw" | "ro";
export const ROUTER_HEALTH_PORT = 8404;
export const GATE_SCRIPT = "/usr/local/share/pgswarm/gate.lua";
/** The agent paths each backend's members must answer 200 on. */
export const ROLE_PATHS = { primary: "/primary", replicas: "/replica" } as const;

/**
 * Sessions are long (pools keep them): the replicas go by fewest sessions, which spreads a pool's
 * connections evenly where round robin, started afresh on each router, favours the first server.
 */
function backend(name: keyof typeof ROLE_PATHS, path: string, members: string[], intervalMs: number, fall: number): string {
  const servers = members.map((member) => `    server ${member} ${member}:${POSTGRES_PORT}`);
  return `backend ${name}
    balance ${name === "primary" ? "first" : "leastconn"}
    option httpchk
    http-check send meth GET uri ${path}
    http-check expect status 200
    default-server check port ${AGENT_PORT} inter ${intervalMs}ms fastinter ${intervalMs}ms downinter ${intervalMs}ms fall ${fall} rise 1 on-marked-down shutdown-sessions resolvers docker init-addr none disabled
${servers.join("\n")}
`;
}

/** The longest a router keeps a member whose agent is silent: a dead standby must not take new reads for long. */
export const MAX_UNANSWERED_GRACE_MS = 2000;

/**
 * How long a router keeps an admitted member whose agent does not answer: a
 * saturated overlay drops packets, and one lost SYN costs a second (measured on
 * the testbed under pgbench: silences of 1.2–1.5 s from a healthy agent).
 * Cutting a healthy member's sessions for it is an outage of our own making.
 * Half the failover timeout, so an old primary is out before another can be
 * elected, and at most MAX_UNANSWERED_GRACE_MS.
 */
export function unansweredGraceMs(config: Pick<StackConfig, "database">): number {
  const failoverTimeout = parseDurationMs(config.database.failover.timeout) ?? 3000;
  return Math.min(MAX_UNANSWERED_GRACE_MS, Math.floor(failoverTimeout / 2));
}

export function renderHaproxyCfg(mode: RouterMode, config: StackConfig, dataMembers: string[]): string {
  const interval = Math.max(100, parseDurationMs(config.database.router.checkInterval) ?? 500);
  // The role gate asks every half interval; one attempt may take two of its ticks, connect included.
  const gateInterval = Math.max(100, Math.round(interval / 2));
  const gateTimeout = Math.max(200, gateInterval * 2);
  const grace = unansweredGraceMs(config);
  // HAProxy's own check cannot tell a late answer from a "no": it falls after the checks that fit in the grace.
  const fall = Math.max(1, Math.floor(grace / interval));
  const maxLag = parseSizeBytes(config.database.replicaMaxLag) ?? 0;
  const replicaPath = `${ROLE_PATHS.replicas}?lag=${maxLag}`;
  const routing =
    mode === "rw"
      ? "    default_backend primary"
      : "    use_backend replicas if { nbsrv(replicas) gt 0 }\n    default_backend primary";
  return `# Rendered by pgswarm: the ${mode} router.
global
    # notice and above: member state changes and the gate's decisions, not the gate's own requests
    # (HAProxy's HTTP client logs each at info: several lines a second per member).
    log stdout format raw local0 notice
    maxconn 4000
    stats socket /var/lib/haproxy/admin.sock mode 600 level admin
    setenv PGSWARM_GATE_INTERVAL_MS ${gateInterval}
    setenv PGSWARM_GATE_TIMEOUT_MS ${gateTimeout}
    # A member whose agent says "no" leaves at once; one whose agent does not answer (busy, or gone) after this.
    setenv PGSWARM_GATE_GRACE_MS ${grace}
    # The gate's requests: one short attempt each (it asks again at its next tick). HAProxy's defaults,
    # a 5 s connect and 3 retries, held a gate for 20 s on the old address of a member that had restarted.
    httpclient.retries 0
    httpclient.timeout.connect ${gateTimeout}ms
    setenv PGSWARM_AGENT_PORT ${AGENT_PORT}
    setenv PGSWARM_PATH_primary ${ROLE_PATHS.primary}
    setenv PGSWARM_PATH_replicas ${replicaPath}
    lua-load ${GATE_SCRIPT}

defaults
    mode tcp
    log global
    option dontlognull
    option tcpka
    timeout connect 2s
    timeout client 30m
    timeout server 30m
    timeout check ${Math.max(200, interval)}ms

resolvers docker
    nameserver dns 127.0.0.11:53
    resolve_retries 2
    timeout resolve 500ms
    timeout retry 500ms
    hold valid 1s
    # A member that restarts gets a new address: take it at once.
    hold obsolete 0s
    # A vanished member keeps its last address (its checks fail) instead of entering and leaving maintenance
    # by resolution; the role gate admits it again only after its agent answers.
    hold nx 1h
    hold timeout 1h
    hold refused 1h
    hold other 1h

frontend health
    mode http
    no log
    bind :${ROUTER_HEALTH_PORT}
    monitor-uri /healthz

frontend metrics
    mode http
    no log
    bind :${ROUTER_METRICS_PORT}
    http-request use-service prometheus-exporter if { path /metrics }

frontend postgres
    # Member state changes are logged by the backends; a line per client connection is noise.
    no log
    bind :${POSTGRES_PORT}
${routing}

${backend("primary", ROLE_PATHS.primary, dataMembers, interval, fall)}${mode === "ro" ? `\n${backend("replicas", replicaPath, dataMembers, interval, fall)}` : ""}`;
}
