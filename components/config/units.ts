/**
 * Parsing of the human units a stack file uses. Durations follow Go's syntax
 * (what Docker and pulumi-docker expect, e.g. "1m30s"); sizes follow
 * postgresql.conf, where every multiple is binary (1MB = 1024 kB).
 */

const DURATION_UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;

/** Milliseconds in a Go-style duration, or undefined when it does not parse. */
export function parseDurationMs(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) {
    total += Number(amount) * DURATION_UNIT_MS[unit];
  }
  return total;
}

const SIZE_UNIT_BYTES: Record<string, number> = {
  B: 1,
  kB: 1024,
  KB: 1024,
  KiB: 1024,
  MB: 1024 ** 2,
  MiB: 1024 ** 2,
  GB: 1024 ** 3,
  GiB: 1024 ** 3,
  TB: 1024 ** 4,
  TiB: 1024 ** 4,
};
const SIZE = /^(\d+)\s*(B|kB|KB|KiB|MB|MiB|GB|GiB|TB|TiB)$/;

/** Bytes in a size such as "16MB" or "1GiB", or undefined when it does not parse. */
export function parseSizeBytes(text: string): number | undefined {
  const match = SIZE.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * SIZE_UNIT_BYTES[match[2]];
}

/** A whole number of seconds for configuration files that take seconds (repmgr). */
export function durationSeconds(text: string): number {
  return Math.max(1, Math.round((parseDurationMs(text) ?? 0) / 1000));
}

/** Kilobytes, the unit postgresql.conf and repmgr take for sizes. */
export function sizeKilobytes(text: string): number {
  return Math.ceil((parseSizeBytes(text) ?? 0) / 1024);
}
