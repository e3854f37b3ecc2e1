/**
 * Talking to the other members' agents over the DB network. Requests that
 * change anything carry the cluster's agent key (a Docker secret), so nothing
 * else on the DB network can cast a vote or renew a lease.
 */
import * as http from "http";
import { AGENT_PORT } from "../../../components/contract";
import { resolvePeer } from "./resolve";

export interface PeerResponse<T> {
  status: number;
  body: T;
}

export class Peers {
  /** Why the last request to each peer failed (for the leader's log when a round misses its majority). */
  readonly lastError = new Map<string, string>();

  constructor(private readonly key: string) {}

  async request<T>(host: string, method: "GET" | "POST", path: string, body: unknown, timeoutMs: number): Promise<PeerResponse<T>> {
    const address = await resolvePeer(host);
    if (!address) throw new Error(`${host}: not resolvable (gone from the DB network)`);
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const request = http.request(
        {
          host: address,
          port: AGENT_PORT,
          method,
          path,
          timeout: timeoutMs,
          headers: {
            host,
            authorization: `Bearer ${this.key}`,
            ...(payload ? { "content-type": "application/json", "content-length": payload.length } : {}),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => {
            try {
              const text = Buffer.concat(chunks).toString("utf8");
              resolve({ status: response.statusCode ?? 0, body: (text ? JSON.parse(text) : {}) as T });
            } catch (error) {
              reject(error);
            }
          });
          response.on("error", reject);
        },
      );
      const timer = setTimeout(() => request.destroy(new Error(`${host}: no answer within ${timeoutMs} ms`)), timeoutMs);
      request.on("close", () => clearTimeout(timer));
      request.on("timeout", () => request.destroy(new Error(`${host}: no answer within ${timeoutMs} ms`)));
      request.on("error", reject);
      if (payload) request.write(payload);
      request.end();
    });
  }

  async get<T>(host: string, path: string, timeoutMs: number): Promise<T | undefined> {
    try {
      const response = await this.request<T>(host, "GET", path, undefined, timeoutMs);
      return response.body;
    } catch (error) {
      this.lastError.set(host, (error as Error).message);
      return undefined;
    }
  }

  async post<T>(host: string, path: string, body: unknown, timeoutMs: number): Promise<T | undefined> {
    try {
      const response = await this.request<T>(host, "POST", path, body, timeoutMs);
      if (response.status >= 500) this.lastError.set(host, `HTTP ${response.status}`);
      return response.status < 500 ? response.body : undefined;
    } catch (error) {
      this.lastError.set(host, (error as Error).message);
      return undefined;
    }
  }
}
