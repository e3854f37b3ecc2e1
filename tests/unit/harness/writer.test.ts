/**
 * The e2e writer against local HTTP servers: which failures it sends to the next instance (the request
 * never reached one) and which it records as failed (the request may have been received).
 */
import * as http from "http";
import * as net from "net";
import type { AddressInfo } from "net";
import { summariseFailures, Writer } from "../../harness/writer";

jest.setTimeout(20_000);

type Listening = { url: string; close: () => Promise<void> };

function listen(server: net.Server): Promise<Listening> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) });
    }),
  );
}

/** The demo app's answer to a write. */
const app = () =>
  listen(
    http.createServer((request, response) => {
      request.resume();
      request.on("end", () => {
        response.writeHead(201, { "content-type": "application/json" });
        response.end(JSON.stringify({ node: "pgnode1" }));
      });
    }),
  );

/** A port with nothing listening: connections are refused. */
async function closedPort(): Promise<string> {
  const spare = await listen(net.createServer());
  await spare.close();
  return spare.url;
}

/** Accepts the connection and reads the request, then resets it without an answer. */
const resetter = () =>
  listen(
    net.createServer((socket) => {
      socket.once("data", () => socket.resetAndDestroy());
    }),
  );

/** Runs the writer until it has made `count` attempts: on a loaded machine a fixed time may allow only a few. */
async function writeUntil(writer: Writer, count: number, timeoutMs = 10_000): Promise<Writer> {
  writer.start();
  const started = Date.now();
  while (writer.attempts.length < count && Date.now() - started < timeoutMs) await new Promise((resolve) => setTimeout(resolve, 20));
  await writer.stop();
  return writer;
}

describe("Writer", () => {
  const open: Listening[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((server) => server.close()));
  });

  it("sends a write whose connection was refused to the next instance, when asked to", async () => {
    const good = await app();
    open.push(good);
    const writer = await writeUntil(new Writer({ targets: [await closedPort(), good.url], prefix: "w", intervalMs: 20, retryRefused: true }), 5);
    expect(writer.attempts.length).toBeGreaterThan(4);
    expect(writer.attempts.filter((attempt) => !attempt.ok)).toEqual([]);
    expect(writer.attempts.every((attempt) => attempt.target === good.url)).toBe(true);
    expect(writer.attempts.some((attempt) => attempt.refusedBy === 1)).toBe(true);
  });

  it("records a refused write as failed, with the socket's reason, when not asked to retry", async () => {
    const writer = await writeUntil(new Writer({ targets: [await closedPort()], prefix: "w", intervalMs: 50 }), 3);
    expect(writer.attempts.length).toBeGreaterThan(0);
    for (const attempt of writer.attempts) {
      expect(attempt.ok).toBe(false);
      expect(attempt.error).toMatch(/^fetch failed \(ECONNREFUSED: connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/);
    }
  });

  it("never resends a write whose connection was reset after the request went out: it may have been committed", async () => {
    const good = await app();
    const reset = await resetter();
    open.push(good, reset);
    const writer = await writeUntil(new Writer({ targets: [reset.url, good.url], prefix: "w", intervalMs: 20, retryRefused: true }), 5);
    const sentToReset = writer.attempts.filter((attempt) => attempt.target === reset.url);
    expect(sentToReset.length).toBeGreaterThan(0);
    for (const attempt of sentToReset) {
      expect(attempt.ok).toBe(false);
      expect(attempt.error).toMatch(/^fetch failed \((ECONNRESET|UND_ERR_SOCKET): .+\)$/);
      expect(attempt.refusedBy).toBeUndefined();
    }
  });
});

describe("summariseFailures", () => {
  const attempt = (startedAt: number, target: string, error?: string) => ({ value: `v${startedAt}`, target, startedAt, ok: error === undefined, error });

  it("groups the failures inside the window by target and error, the most frequent first, with when they came", () => {
    const attempts = [
      attempt(900, "http://a", "fetch failed (ECONNRESET: x)"), // before the window
      attempt(1000, "http://a", "HTTP 503: no primary"),
      attempt(1100, "http://b"),
      attempt(1200, "http://b", "fetch failed (timeout)"),
      attempt(1300, "http://a", "HTTP 503: no primary"),
      attempt(1400, "http://a", "HTTP 503: no primary"),
      attempt(5000, "http://a", "HTTP 503: no primary"), // after it
    ];
    expect(summariseFailures(attempts, 1000, 2000)).toEqual(["3× http://a: HTTP 503: no primary (+0…+400 ms)", "1× http://b: fetch failed (timeout) (+200…+200 ms)"]);
  });

  it("keeps the most frequent `limit` lines", () => {
    const attempts = [attempt(1, "http://a", "e1"), attempt(2, "http://a", "e2"), attempt(3, "http://a", "e2")];
    expect(summariseFailures(attempts, 0, 10, 1)).toEqual(["2× http://a: e2 (+2…+3 ms)"]);
  });
});
