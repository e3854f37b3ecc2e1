/**
 * Turns raw stack values into a typed StackConfig, or a ConfigError that lists
 * every problem with its key path, what was found and what is allowed. Nothing
 * is thrown for a user's mistake except ConfigError, which the entry points
 * print without a stack trace.
 */
import type { z } from "zod";
import { nearest } from "./pgValues";
import { describeValue } from "./primitives";
import { crossKeyProblems, type Problem } from "./rules";
import { RETIRED_KEYS, stackSchema, type StackConfig } from "./schema";

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: Problem[],
  ) {
    super(formatProblems(source, problems));
    this.name = "ConfigError";
  }
}

export function formatProblems(source: string, problems: Problem[]): string {
  const lines = problems.map((problem) => `  - ${problem.path || "(top level)"}: ${problem.message}`);
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  return `${source} has ${count}:\n${lines.join("\n")}`;
}

export function pathOf(path: PropertyKey[]): string {
  return path
    .map((part, index) => (typeof part === "number" ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`))
    .join("");
}

type Issue = z.core.$ZodIssue & { input?: unknown };

/** "expected X" from the schema, plus what was found; "required" only when nothing was given. */
function messageOf(issue: Issue): string {
  // zod's own wording ("Invalid input: expected string, received number") where a schema has none of ours.
  const message = issue.message.startsWith("Invalid")
    ? `expected ${"expected" in issue && issue.expected ? String(issue.expected) : "a valid value"}`
    : issue.message;
  if (!("input" in issue) || issue.input === undefined) {
    return issue.code === "invalid_type" || issue.code === "invalid_value" ? `required: ${message}` : message;
  }
  return /\bfound\b/.test(message) ? message : `${message}, found ${describeValue(issue.input)}`;
}

function unknownKeyMessage(path: string, key: string, message: string): string {
  const retired = RETIRED_KEYS[path];
  if (retired) return retired;
  const allowed = /allowed here: (.+)$/.exec(message)?.[1].split(", ") ?? [];
  const guess = nearest(key, allowed);
  return guess ? message.replace("unknown key;", `unknown key; did you mean ${guess}?`) : message;
}

/** zod issues, one problem per bad key (an unknown-keys issue names each key). */
function schemaProblems(issues: Issue[]): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => {
        const path = pathOf([...issue.path, key]);
        return { path, message: unknownKeyMessage(path, key, issue.message) };
      });
    }
    if (issue.code === "invalid_key") {
      const inner = issue.issues[0] as Issue | undefined;
      return [{ path: pathOf(issue.path), message: `invalid name: ${inner ? inner.message : issue.message}` }];
    }
    return [{ path: pathOf(issue.path), message: messageOf(issue) }];
  });
}

export interface ValidationOptions {
  /** The stack's name, when known: Docker names and the default DB subnet derive from it. */
  stack?: string;
  /** Problems found before the schema, in the keys of the stack file or the engine's config. */
  problems?: Problem[];
  /** The secret keys (S3_KEY_CONFIG) the config holds as secrets, when the caller saw the whole config. */
  secretKeys?: string[];
}

export function validateStack(raw: unknown, source: string, options: ValidationOptions = {}): StackConfig {
  const earlier = options.problems ?? [];
  const parsed = stackSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError(source, [...earlier, ...schemaProblems(parsed.error.issues as Issue[])]);
  }
  // Cross-key rules speak once the keys and the schema hold: a refused key would only echo as a missing one.
  if (earlier.length > 0) throw new ConfigError(source, earlier);
  const problems = crossKeyProblems(parsed.data, options.stack, options.secretKeys);
  if (problems.length > 0) {
    throw new ConfigError(source, problems);
  }
  return parsed.data;
}
