/**
 * Which members each router currently admits, read from the routers' own
 * Prometheus endpoint (HAProxy's `haproxy_server_status`). The parser is pure;
 * `routerPools` asks every task of the stack's router services (ctl only).
 */
import { ENDPOINTS, ROUTER_METRICS_PORT } from "../../../components/contract";

export type ServerStates = Record<string, Record<string, string>>;

/** HAProxy's numeric server states (older exporters print a number instead of a state label). */
const NUMERIC_STATES = ["DOWN", "UP", "MAINT", "DRAIN", "NOLB"];

/** backend → server → state (UP, DOWN, MAINT, …) from HAProxy's Prometheus text. */
export function parseServerStates(metrics: string): ServerStates {
  const states: ServerStates = {};
  for (const line of metrics.split("\n")) {
    const match = /^haproxy_server_status\{([^}]*)\}\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...match[1].matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key, value]));
    const value = Number(match[2]);
    if (!labels.proxy || !labels.server) continue;
    const state = labels.state !== undefined ? (value === 1 ? labels.state : undefined) : NUMERIC_STATES[value] ?? String(value);
    if (state === undefined) continue;
    (states[labels.proxy] ??= {})[labels.server] = state;
  }
  return states;
}

/** The members a backend admits (state UP), sorted. */
export const admitted = (states: ServerStates, backend: string): string[] =>
  Object.entries(states[backend] ?? {})
    .filter(([, state]) => state === "UP")
    .map(([server]) => server)
    .sort();

export interface RouterTask {
  service: string;
  address: string;
  /** backend → the members it admits; undefined when the router did not answer. */
  pools?: Record<string, string[]>;
}

/** The routers a topology has: db-ro only in read-split. */
export const routerEndpoints = (topology: string): string[] => (topology === "read-split" ? [ENDPOINTS.rw, ENDPOINTS.ro] : [ENDPOINTS.rw]);

/**
 * Every router task of the stack and what it admits (run inside the stack's DB
 * network). A name Docker's DNS does not know is passed on to the host's
 * resolvers, which may never answer: each lookup gets one short try.
 */
export async function routerPools(stack: string, endpoints: string[], timeoutMs = 1500): Promise<RouterTask[]> {
  const dns = require("dns") as typeof import("dns");
  const resolver = new dns.promises.Resolver({ timeout: Math.min(timeoutMs, 1000), tries: 1 });
  // Asked all at once: a router cut off costs one timeout, not one per router after it.
  const perEndpoint = await Promise.all(
    endpoints.map(async (endpoint) => {
      const service = `${stack}_${endpoint}`;
      const addresses = await resolver.resolve4(`tasks.${service}`).catch(() => [] as string[]);
      return Promise.all(
        addresses.sort().map(async (address): Promise<RouterTask> => {
          const pools = await fetch(`http://${address}:${ROUTER_METRICS_PORT}/metrics`, { signal: AbortSignal.timeout(timeoutMs) })
            .then(async (response) => {
              const states = parseServerStates(await response.text());
              return Object.fromEntries(Object.keys(states).map((backend) => [backend, admitted(states, backend)]));
            })
            .catch(() => undefined);
          return { service, address, pools };
        }),
      );
    }),
  );
  return perEndpoint.flat();
}
