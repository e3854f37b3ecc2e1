/**
 * pgswarm's demo app: POST /items writes, GET /items reads, GET /whoami says
 * which database node, role and user answered and how the request was routed,
 * /healthz is liveness only (a DB failover must not make Swarm kill the app).
 * PGSWARM_READ_ONLY=true refuses every request that would write (maintenance).
 */
import * as http from "http";
import { Pool } from "pg";
import { dbSettings, readPassword, type Endpoint } from "./config";
import { decide, failureResponse, MAINTENANCE, wroteCookie, type Decision } from "./routing";
import { schemaStatement } from "./schema";
import { graceful } from "./stop";

const settings = dbSettings(process.env);
// Short timeouts: a connection through a router on a node that was cut off fails fast and is replaced.
const poolFor = ({ passwordFile, ...endpoint }: Endpoint) =>
  new Pool({
    ...endpoint,
    password: readPassword(passwordFile),
    max: 5,
    connectionTimeoutMillis: 2000,
    query_timeout: 5000,
    idleTimeoutMillis: 10000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 1000,
  });
const pools = { write: poolFor(settings.write), read: poolFor(settings.read) };
for (const pool of Object.values(pools)) pool.on("error", (error: Error) => console.error(`pool: ${error.message}`));

/**
 * Until the schema exists the app is not ready and does not even listen: a client (or a load balancer)
 * is refused and goes to another instance, where a 503 "starting" would have been a failed request.
 */
let schemaReady = false;

async function ensureSchema(): Promise<void> {
  for (;;) {
    try {
      await pools.write.query(schemaStatement(process.env.PGSWARM_DB_ACCESS));
      schemaReady = true;
      console.log(`schema ready on ${settings.write.host}`);
      return;
    } catch (error) {
      console.error(`waiting for the database: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

function send(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

/** A write's successful response tells the client's next requests to read from the write side for a while. */
function sendResult(response: http.ServerResponse, decision: Decision, nowMs: number, status: number, body: unknown): void {
  const cookie = decision.writes && status < 400 ? wroteCookie(nowMs, settings.readYourWritesMs) : undefined;
  send(response, status, body, cookie ? { "set-cookie": cookie } : {});
}

async function readBody(request: http.IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : {};
}

async function handle(request: http.IncomingMessage, response: http.ServerResponse, decision: Decision, nowMs: number): Promise<void> {
  const method = request.method ?? "GET";
  const path = (request.url ?? "/").split("?")[0];
  const pool = pools[decision.route];
  const reply = (status: number, body: unknown) => sendResult(response, decision, nowMs, status, body);

  // "/items/<tag>" and "/whoami/<tag>" behave as "/items" and "/whoami": the tag lets dbChooser patterns
  // (anchored at "METHOD /path") route one kind of request differently, which the e2e tests use.
  const resource = path.replace(/^\/(items|whoami)\/[\w-]+$/, "/$1");
  if (resource === "/items" && method === "POST") {
    const { value } = await readBody(request);
    if (typeof value !== "string") return send(response, 400, { error: "expected {\"value\": string}" });
    const { rows } = await pool.query("INSERT INTO items (value) VALUES ($1) RETURNING id, value, current_setting('cluster_name') AS node", [value]);
    return reply(201, rows[0]);
  }
  if (resource === "/items" && method === "GET") {
    const { rows } = await pool.query("SELECT id, value FROM items ORDER BY id");
    return reply(200, rows);
  }
  if (resource === "/whoami") {
    // The node, role and user of the session that answered this very query, and the role it logged in as
    // (a rotation slot's login role acts as the configured one: credentialsRotation).
    const { rows } = await pool.query(
      "SELECT current_setting('cluster_name') AS node, CASE WHEN pg_is_in_recovery() THEN 'standby' ELSE 'primary' END AS role, current_user AS user, session_user AS login",
    );
    return reply(200, {
      ...rows[0],
      route: decision.route,
      readYourWrites: decision.readYourWrites,
      endpoint: decision.route === "write" ? settings.write.host : settings.read.host,
    });
  }
  if (path === "/readyz") {
    await pool.query("SELECT 1");
    return reply(200, { ok: true });
  }
  return send(response, 404, { error: "not found" });
}

const server = http.createServer((request, response) => {
  const method = request.method ?? "GET";
  const path = (request.url ?? "/").split("?")[0];
  // Ready once the schema exists, and from then on regardless of the database: a failover must not make Swarm kill the app.
  if (path === "/healthz") return send(response, schemaReady ? 200 : 503, { ok: schemaReady });
  if (!schemaReady) return send(response, 503, { error: "starting: the database schema is not ready yet" });
  const nowMs = Date.now();
  const decision = decide({ method, path, cookie: request.headers.cookie, nowMs }, settings);
  if (decision.maintenance) return send(response, MAINTENANCE.status, MAINTENANCE.body);
  handle(request, response, decision, nowMs).catch((error: Error & { code?: string }) => {
    const failure = failureResponse(error, decision.route, settings.read.host);
    send(response, failure.status, failure.body);
  });
});
const stopper = graceful(server);
void ensureSchema().then(() => {
  // Stopped while the schema was still being made: exiting, not serving.
  if (stopper.stopping) return;
  server.listen(Number(process.env.PORT ?? 8080), () => console.log(`demo-app listening on ${process.env.PORT ?? 8080}`));
});

// A stop refuses new connections at once (clients go to another instance) and answers the requests in flight
// before it exits; within Swarm's default stop grace period (10 s), whatever is left goes at 8 s.
const STOP_DEADLINE_MS = 8000;
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () =>
    stopper.stop(() => void Promise.all(Object.values(pools).map((pool) => pool.end())).finally(() => process.exit(0)), STOP_DEADLINE_MS),
  );
}
