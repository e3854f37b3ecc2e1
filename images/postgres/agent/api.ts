/**
 * The agent's HTTP API on the DB network. Reads are open (routers check
 * /primary and /replica, operators read /status); everything that changes
 * the cluster needs the agent key.
 */
import { timingSafeEqual } from "crypto";
import * as http from "http";
import { AGENT_PORT } from "../../../components/contract";
import { log } from "./log";

export interface Handlers {
  health(): unknown;
  status(): unknown;
  /** Routers: 200 only for the primary holding its lease. */
  primary(): boolean;
  /** Routers: 200 only for a streaming standby within `maxLagBytes` of the primary. */
  replica(maxLagBytes?: bigint): boolean;
  /** Prometheus text, where the agent has metrics of its own (the backup repository). */
  metrics?(): string;
  /** Authenticated actions by name (heartbeat, vote, release, prepare-takeover, takeover, switchover). */
  actions: Record<string, (body: any) => unknown | Promise<unknown>>;
}

function authorised(request: http.IncomingMessage, key: string): boolean {
  const given = Buffer.from(String(request.headers.authorization ?? "").replace(/^Bearer /, ""));
  const wanted = Buffer.from(key);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

async function readJson(request: http.IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : {};
}

const json = (response: http.ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body, (_key, value) => (typeof value === "bigint" ? value.toString() : value)));
};

/**
 * Whether a request was meant for this member: peers name the member they mean
 * in the Host header, so a request sent to a stale address that another member
 * now holds is refused instead of being answered (and a vote counted twice).
 */
export function addressedTo(request: Pick<http.IncomingMessage, "headers">, self: string): boolean {
  const host = String(request.headers.host ?? "").replace(/:\d+$/, "");
  return host === self;
}

export function serveApi(handlers: Handlers, key: string, self: string): http.Server {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://agent");
    const route = `${request.method} ${url.pathname}`;
    (async () => {
      switch (route) {
        case "GET /health":
          return json(response, 200, handlers.health());
        case "GET /status":
          return json(response, 200, handlers.status());
        case "GET /metrics":
          if (!handlers.metrics) break;
          response.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
          return response.end(handlers.metrics());
        case "GET /primary":
        case "HEAD /primary":
          return json(response, handlers.primary() ? 200 : 503, {});
        case "GET /replica":
        case "HEAD /replica": {
          const lag = url.searchParams.get("lag");
          return json(response, handlers.replica(lag && /^\d+$/.test(lag) ? BigInt(lag) : undefined) ? 200 : 503, {});
        }
      }
      const action = request.method === "POST" && url.pathname.startsWith("/v1/") ? handlers.actions[url.pathname.slice(4)] : undefined;
      if (!action) return json(response, 404, { error: "not found" });
      if (!authorised(request, key)) return json(response, 401, { error: "the agent key is required" });
      if (!addressedTo(request, self)) return json(response, 421, { error: `this is ${self}, not ${request.headers.host}` });
      return json(response, 200, await action(await readJson(request)));
    })().catch((error: Error) => {
      log(`api ${route}: ${error.message}`);
      json(response, 500, { error: error.message });
    });
  });
  server.keepAliveTimeout = 5000;
  server.listen(AGENT_PORT);
  return server;
}
