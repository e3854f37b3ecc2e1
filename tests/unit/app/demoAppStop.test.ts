/** The demo app's stop, on a real HTTP server: no request it received fails, and nothing keeps it up. */
import * as http from "http";
import * as net from "net";
import type { AddressInfo } from "net";
import { graceful } from "../../../images/demo-app/src/stop";

jest.setTimeout(15_000);

type Started = { server: http.Server; port: number; stopper: ReturnType<typeof graceful>; release: () => void };

/** A server whose /slow requests wait for `release()`; everything else answers at once. */
function start(): Promise<Started> {
  const waiting: Array<() => void> = [];
  const server = http.createServer((request, response) => {
    const answer = () => response.end("ok");
    if (request.url === "/slow") waiting.push(answer);
    else answer();
  });
  const stopper = graceful(server);
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, port: (server.address() as AddressInfo).port, stopper, release: () => waiting.splice(0).forEach((answer) => answer()) }),
    ),
  );
}

/** A keep-alive HTTP/1.1 connection that sends requests by hand and collects what comes back. */
function rawConnection(port: number) {
  const socket = net.connect(port, "127.0.0.1");
  let received = "";
  socket.on("data", (chunk) => (received += chunk));
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  socket.on("error", () => undefined);
  return {
    connected: new Promise<void>((resolve) => socket.once("connect", () => resolve())),
    send: (path: string) => socket.write(`GET ${path} HTTP/1.1\r\nHost: t\r\n\r\n`),
    received: () => received,
    closed,
  };
}

const until = async (condition: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

/** A started server with a client whose /slow request is in flight (waiting for `release()`). */
async function startWithSlowRequest() {
  const started = await start();
  const client = rawConnection(started.port);
  await client.connected;
  client.send("/slow");
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { ...started, client };
}

describe("the demo app's graceful stop", () => {
  it("answers a request in flight with Connection: close, then refuses new connections and calls done", async () => {
    const { port, stopper, release, client } = await startWithSlowRequest();
    let done = false;
    stopper.stop(() => (done = true), 5000);

    const refused = await new Promise<string>((resolve) => net.connect(port, "127.0.0.1").on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "")));
    expect(refused).toBe("ECONNREFUSED");
    expect(done).toBe(false);

    release();
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(client.received()).toMatch(/\r\nconnection: close\r\n/i);
    await until(() => done);
  });

  it("closes an idle keep-alive connection at once instead of after Node's keep-alive timeout", async () => {
    const { port, stopper } = await start();
    const client = rawConnection(port);
    await client.connected;
    client.send("/");
    await until(() => client.received().endsWith("ok"));
    expect(client.received()).toMatch(/\r\nconnection: keep-alive\r\n/i);

    const stoppedAt = Date.now();
    let doneAfter = -1;
    stopper.stop(() => (doneAfter = Date.now() - stoppedAt), 5000);
    await client.closed;
    await until(() => doneAfter >= 0);
    expect(doneAfter).toBeLessThan(1000);
  });

  it("serves a request that arrives on an open connection after the stop, and tells it to close", async () => {
    const { port, stopper } = await start();
    const client = rawConnection(port);
    await client.connected;
    // Connected but nothing sent yet: not idle in Node's sense, so the stop leaves it open.
    let done = false;
    stopper.stop(() => (done = true), 5000);
    client.send("/");
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*connection: close\r\n/i);
    await until(() => done);
  });

  it("calls done at the deadline when a request never finishes", async () => {
    const { stopper, server } = await startWithSlowRequest();
    const stoppedAt = Date.now();
    let doneAfter = -1;
    stopper.stop(() => (doneAfter = Date.now() - stoppedAt), 300);
    await until(() => doneAfter >= 0);
    expect(doneAfter).toBeGreaterThanOrEqual(290);
    expect(doneAfter).toBeLessThan(1500);
    server.closeAllConnections();
  });

  it("calls done at once when the server never listened (stopped before the schema was ready)", () => {
    const stopper = graceful(http.createServer());
    let done = false;
    expect(stopper.stopping).toBe(false);
    stopper.stop(() => (done = true), 5000);
    expect(done).toBe(true);
    expect(stopper.stopping).toBe(true);
  });
});
