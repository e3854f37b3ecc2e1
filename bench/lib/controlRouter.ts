/**
 * The bench's control: a bare HAProxy in TCP mode with no checks, no role gate
 * and no resolvers (addresses resolved once at start), placed like the stack's
 * routers. What it costs is the hop's floor; what db-ro and db-rw cost beyond
 * it is our design's.
 */
import { POSTGRES_PORT } from "../../components/contract";

/** Write frontend (to the primary) and read frontend (round robin over the standbys). */
export const CONTROL_PORTS = { rw: POSTGRES_PORT, ro: POSTGRES_PORT + 1 } as const;

const NAME = /^[a-z][a-z0-9-]*$/;

export function renderControlCfg(primary: string, standbys: string[]): string {
  for (const member of [primary, ...standbys]) {
    if (!NAME.test(member)) throw new Error(`control router: member name "${member}" is not a plain service name`);
  }
  if (standbys.length === 0) throw new Error("control router: the read frontend needs at least one standby");
  const server = (member: string) => `    server ${member} ${member}:${POSTGRES_PORT}`;
  return `# The bench's control: the hop and nothing else.
global
    maxconn 4000

defaults
    mode tcp
    timeout connect 2s
    timeout client 30m
    timeout server 30m

frontend rw
    bind :${CONTROL_PORTS.rw}
    default_backend primary

frontend ro
    bind :${CONTROL_PORTS.ro}
    default_backend replicas

backend primary
${server(primary)}

backend replicas
    balance roundrobin
${standbys.map(server).join("\n")}
`;
}
