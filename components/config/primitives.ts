/**
 * The value types a stack file is made of, as zod schemas. Each error message
 * says what is expected ("expected a whole number from 1 to 9"); validate.ts
 * adds what was found, so every type error names both.
 *
 * The Pulumi engine hands top-level values over as strings, and `--type string`
 * or quoting keeps nested ones as strings too: numbers and booleans written as
 * text ("3", "true") are accepted wherever that is unambiguous.
 */
import { z } from "zod";
import { parseDurationMs, parseSizeBytes } from "./units";

/** A value as a message shows it: `the string "three"`, `1`, `a list`. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : "a list";
  if (typeof value === "object") return Object.keys(value).length === 0 ? "an empty map" : "a map";
  return String(value);
}

/** Control characters (newline, NUL, escape...) break the files and specs values are rendered into. */
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** "3" → 3 and "0.5" → 0.5; anything else is left for the schema to judge. */
function numericText(value: unknown): unknown {
  return typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
}

export function integer(min: number, max: number) {
  const expected = `expected a whole number from ${min} to ${max}`;
  return z.preprocess(
    numericText,
    z.number({ error: expected }).refine((n) => Number.isInteger(n) && n >= min && n <= max, { error: expected }),
  );
}

export function decimal(min: number, max: number, what: string) {
  const expected = `expected ${what} from ${min} to ${max}`;
  return z.preprocess(numericText, z.number({ error: expected }).refine((n) => n >= min && n <= max, { error: expected }));
}

/** YAML 1.2 (what Pulumi reads) takes `on`/`yes` as text: say so rather than "invalid". */
const BOOLEAN_LOOKALIKE = /^(on|off|yes|no|y|n)$/i;

export function boolean() {
  return z.preprocess(
    (value) => (value === "true" ? true : value === "false" ? false : value),
    z.boolean({
      error: (issue) =>
        typeof issue.input === "string" && BOOLEAN_LOOKALIKE.test(issue.input)
          ? "expected true or false (YAML 1.2, which Pulumi reads, takes on/yes as text)"
          : "expected true or false",
    }),
  );
}

/** A switch written as on/off (PostgreSQL style) or true/false. */
export function onOff() {
  return z.preprocess(
    (value) => (value === "true" || value === "on" ? true : value === "false" || value === "off" ? false : value),
    z.boolean({ error: "expected on or off" }),
  );
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const quoted = values.map((value) => `"${value}"`);
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
  return z.enum(values, { error: `expected ${list}` });
}

interface TextOptions {
  maxLength?: number;
  /** Environment values may hold newlines and tabs; only NUL cannot pass through exec. */
  nulOnly?: boolean;
}

/** Text that may be rendered into a file or a spec: no control characters. */
export function text(what: string, options: TextOptions = {}) {
  const expected = `expected ${what}`;
  const [forbidden, which] = options.nulOnly ? [/\u0000/, "NUL characters"] : [CONTROL_CHARACTER, "control characters (newline, tab, NUL...)"];
  return z.string({ error: expected }).superRefine((value, ctx) => {
    if (forbidden.test(value)) {
      ctx.addIssue({ code: "custom", input: value, message: `${expected} without ${which}` });
    } else if (options.maxLength !== undefined && value.length > options.maxLength) {
      ctx.addIssue({ code: "custom", input: value, message: `${expected} of at most ${options.maxLength} characters` });
    }
  });
}

/** Text, or a number or boolean written without quotes (label and environment values are strings to Docker). */
export function scalarText(what: string, options: TextOptions = {}) {
  return z.preprocess((value) => (typeof value === "number" || typeof value === "boolean" ? String(value) : value), text(what, options));
}

/** A string matching a pattern, refused with one message that says what is expected. */
export function pattern(regex: RegExp, expected: string) {
  return z.string({ error: expected }).regex(regex, { error: expected });
}

const DURATION_EXAMPLE = 'expected a duration such as "10s", "500ms" or "1m30s" (units ms, s, m, h)';

export function formatDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** A Go-style duration (what Docker and pulumi-docker take), optionally within [min, max] milliseconds. */
export function duration(range: { min?: number; max?: number; zeroAllowed?: boolean } = {}) {
  const { min = 0, max = Infinity } = range;
  const bounds =
    max === Infinity ? `of at least ${formatDuration(min)}` : `from ${formatDuration(min)} to ${formatDuration(max)}`;
  const expectedRange = `expected a duration ${range.zeroAllowed ? `of 0s or ${bounds.replace(/^of /, "")}` : bounds}`;
  return z.string({ error: DURATION_EXAMPLE }).superRefine((value, ctx) => {
    const ms = parseDurationMs(value);
    if (ms === undefined) {
      ctx.addIssue({ code: "custom", input: value, message: DURATION_EXAMPLE });
    } else if (!(range.zeroAllowed && ms === 0) && (ms < min || ms > max)) {
      ctx.addIssue({ code: "custom", input: value, message: expectedRange });
    }
  });
}

const SIZE_EXAMPLE = 'expected a size such as "16MB" or "1GiB" (units B, kB, MB, GB, TB; binary multiples)';

export function formatSize(bytes: number): string {
  for (const [unit, factor] of [["TB", 1024 ** 4], ["GB", 1024 ** 3], ["MB", 1024 ** 2], ["kB", 1024]] as const) {
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return `${bytes}B`;
}

/** A size as postgresql.conf writes it, optionally within [min, max] bytes. */
export function size(range: { min?: number; max?: number } = {}) {
  const { min = 0, max = Infinity } = range;
  const bounds = max === Infinity ? `of at least ${formatSize(min)}` : `from ${formatSize(min)} to ${formatSize(max)}`;
  return z.string({ error: SIZE_EXAMPLE }).superRefine((value, ctx) => {
    const bytes = parseSizeBytes(value);
    if (bytes === undefined) {
      ctx.addIssue({ code: "custom", input: value, message: SIZE_EXAMPLE });
    } else if (bytes < min || bytes > max) {
      ctx.addIssue({ code: "custom", input: value, message: `expected a size ${bounds}` });
    }
  });
}

/**
 * A map with a fixed set of keys; unknown keys are errors that list what is
 * allowed. An empty YAML value (`key:`) for a key with a default counts as not
 * given, so the default applies.
 */
export function strict<T extends z.ZodRawShape>(shape: T, what = "a map") {
  const allowed = Object.keys(shape).join(", ");
  // Only a key with a default (or none needed) reads an empty value as "not given"; a required one reports it.
  const optional = new Set(Object.keys(shape).filter((key) => (shape[key] as z.ZodType).safeParse(undefined).success));
  return z.preprocess(
    (value) =>
      value === null
        ? {}
        : value && typeof value === "object" && !Array.isArray(value)
          ? Object.fromEntries(Object.entries(value).filter(([key, inner]) => inner !== null || !optional.has(key)))
          : value,
    z.strictObject(shape, {
      error: (issue) =>
        issue.code === "unrecognized_keys" ? `unknown key; allowed here: ${allowed}` : `expected ${what} with keys such as ${allowed}`,
    }),
  );
}

/** A map from names to values; an empty YAML value is an empty map. */
export function mapOf<K extends z.core.$ZodType<string>, V extends z.ZodType>(key: K, value: V, what: string) {
  return z.preprocess((input) => (input === null ? {} : input), z.record(key, value, { error: `expected ${what}` }));
}

/** A list; an empty YAML value is an empty list. */
export function listOf<V extends z.ZodType>(item: V, what: string) {
  return z.preprocess((input) => (input === null ? [] : input), z.array(item, { error: `expected ${what}` }));
}
