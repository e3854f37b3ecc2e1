/**
 * Peers' addresses on the DB network, asked of Docker's embedded DNS directly
 * with one small UDP query: no cache (Docker answers with a 600 s TTL, and a
 * restarted member has a new address at once), a short timeout (getaddrinfo
 * can take 10 s on a name that just vanished, in Node's small thread pool).
 * The addresses also go into primary_conninfo (hostaddr), so a WAL receiver
 * never waits on DNS either.
 */
import * as dgram from "dgram";
import * as fs from "fs";

let nameserver: string | undefined;

function resolverAddress(): string {
  if (!nameserver) {
    const conf = fs.existsSync("/etc/resolv.conf") ? fs.readFileSync("/etc/resolv.conf", "utf8") : "";
    nameserver = /^nameserver\s+(\S+)/m.exec(conf)?.[1] ?? "127.0.0.11";
  }
  return nameserver;
}

/** A DNS query for the A records of `name` (RFC 1035: header, one question, recursion desired). */
export function encodeQuery(id: number, name: string): Buffer {
  const labels = name.split(".").filter(Boolean).map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, "ascii")]));
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2);
  header.writeUInt16BE(1, 4);
  return Buffer.concat([header, ...labels, Buffer.from([0, 0, 1, 0, 1])]);
}

function skipName(message: Buffer, offset: number): number {
  for (;;) {
    const length = message[offset];
    if (length === undefined) throw new Error("truncated name");
    if ((length & 0xc0) === 0xc0) return offset + 2;
    if (length === 0) return offset + 1;
    offset += length + 1;
  }
}

/** The IPv4 addresses in an answer to query `id` (none for NXDOMAIN or anything malformed). */
export function decodeAnswer(message: Buffer, id: number): string[] {
  if (message.length < 12 || message.readUInt16BE(0) !== id) return [];
  if ((message.readUInt16BE(2) & 0x000f) !== 0) return [];
  const questions = message.readUInt16BE(4);
  const answers = message.readUInt16BE(6);
  let offset = 12;
  for (let i = 0; i < questions; i++) offset = skipName(message, offset) + 4;
  const addresses: string[] = [];
  for (let i = 0; i < answers; i++) {
    offset = skipName(message, offset);
    const type = message.readUInt16BE(offset);
    const length = message.readUInt16BE(offset + 8);
    if (type === 1 && length === 4) addresses.push([...message.subarray(offset + 10, offset + 14)].join("."));
    offset += 10 + length;
  }
  return addresses;
}

/** The last address each name resolved to: used only when Docker's DNS does not answer or answers nothing. */
const lastKnown = new Map<string, string>();

/**
 * A peer's current address. A fresh answer always wins (a restarted member has a
 * new address); when the DNS is silent or briefly empty (its records are resynced
 * after a node rejoins), the last known address is tried rather than nothing:
 * a peer that is really gone does not answer there either.
 */
export async function resolvePeer(name: string, timeoutMs = 500): Promise<string | undefined> {
  const fresh = await queryAddress(name, timeoutMs);
  if (fresh) lastKnown.set(name, fresh);
  return fresh ?? lastKnown.get(name);
}

function queryAddress(name: string, timeoutMs: number): Promise<string | undefined> {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return Promise.resolve(name);
  return new Promise((resolve) => {
    const socket = dgram.createSocket("udp4");
    const id = Math.floor(Math.random() * 0xffff);
    const done = (address?: string) => {
      clearTimeout(timer);
      socket.close();
      resolve(address);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.on("error", () => done(undefined));
    socket.on("message", (message) => {
      try {
        done(decodeAnswer(message, id)[0]);
      } catch {
        done(undefined);
      }
    });
    socket.send(encodeQuery(id, name), 53, resolverAddress());
  });
}
