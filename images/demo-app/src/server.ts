/**
 * pgswarm's demo app: POST /items writes, GET /items reads, GET /whoami says
 * which database node and role answered, /healthz is liveness only (a DB
 * failover must not make Swarm kill the app).
 */
import * as http from "http";
import { Pool } from "pg";
import { dbSettings, readPassword, routeFor, type Endpoint } from "./config";

const settings = dbSettings(process.env);
const password = readPassword(settings.passwordFile);
// Short timeouts: a connection through a router on a node that was cut off fails fast and is replaced.
const poolFor = (endpoint: Endpoint) =>
  new Pool({
    ...endpoint,
    password,
    max: 5,
    connectionTimeoutMillis: 2000,
    query_timeout: 5000,
    idleTimeoutMillis: 10000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 1000,
  });
const pools = { write: poolFor(settings.write), read: poolFor(settings.read) };
for (const pool of Object.values(pools)) pool.on("error", (error: Error) => console.error(`pool: ${error.message}`));

/** Until the schema exists, the app is not ready: its health check fails and requests get 503 "starting". */
let schemaReady = false;

async function ensureSchema(): Promise<void> {
  for (;;) {
    try {
      await pools.write.query("CREATE TABLE IF NOT EXISTS items (id bigserial PRIMARY KEY, value text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())");
      schemaReady = true;
      console.log(`schema ready on ${settings.write.host}`);
      return;
    } catch (error) {
      console.error(`waiting for the database: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

function send(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

async function readBody(request: http.IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : {};
}

async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  const method = request.method ?? "GET";
  const path = (request.url ?? "/").split("?")[0];
  // Ready once the schema exists, and from then on regardless of the database: a failover must not make Swarm kill the app.
  if (path === "/healthz") return send(response, schemaReady ? 200 : 503, { ok: schemaReady });
  if (!schemaReady) return send(response, 503, { error: "starting: the database schema is not ready yet" });
  const route = routeFor(method, path, settings);
  const pool = pools[route];

  if (path === "/items" && method === "POST") {
    const { value } = await readBody(request);
    if (typeof value !== "string") return send(response, 400, { error: "expected {\"value\": string}" });
    const { rows } = await pool.query("INSERT INTO items (value) VALUES ($1) RETURNING id, value, current_setting('cluster_name') AS node", [value]);
    return send(response, 201, rows[0]);
  }
  if (path === "/items" && method === "GET") {
    const { rows } = await pool.query("SELECT id, value FROM items ORDER BY id");
    return send(response, 200, rows);
  }
  if (path === "/whoami") {
    const { rows } = await pool.query(
      "SELECT current_setting('cluster_name') AS node, CASE WHEN pg_is_in_recovery() THEN 'standby' ELSE 'primary' END AS role",
    );
    return send(response, 200, { ...rows[0], route, endpoint: route === "write" ? settings.write.host : settings.read.host });
  }
  if (path === "/readyz") {
    await pool.query("SELECT 1");
    return send(response, 200, { ok: true });
  }
  return send(response, 404, { error: "not found" });
}

const server = http.createServer((request, response) => {
  handle(request, response).catch((error: Error) => send(response, 503, { error: error.message }));
});
server.listen(Number(process.env.PORT ?? 8080), () => console.log(`demo-app listening on ${process.env.PORT ?? 8080}`));
void ensureSchema();

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    server.close();
    void Promise.all(Object.values(pools).map((pool) => pool.end())).finally(() => process.exit(0));
  });
}
