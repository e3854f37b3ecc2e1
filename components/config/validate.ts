/**
 * Turns raw stack values into a typed StackConfig, or a ConfigError that lists
 * every problem with its key path. Nothing is thrown for a user's mistake
 * except ConfigError, which the entry points print without a stack trace.
 */
import type { z } from "zod";
import { crossKeyProblems, type Problem } from "./rules";
import { stackSchema, type StackConfig } from "./schema";

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

function pathOf(path: PropertyKey[]): string {
  return path
    .map((part, index) => (typeof part === "number" ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`))
    .join("");
}

/** zod issues, one problem per bad key (an unknown-keys issue names each key). */
function schemaProblems(issues: z.core.$ZodIssue[]): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: pathOf([...issue.path, key]), message: issue.message }));
    }
    if (issue.code === "invalid_key") {
      const inner = issue.issues[0]?.message ?? issue.message;
      return [{ path: pathOf(issue.path), message: `invalid name: ${inner}` }];
    }
    if (issue.code === "invalid_type" && issue.message.startsWith("Invalid input: expected") && issue.input === undefined) {
      return [{ path: pathOf(issue.path), message: "required" }];
    }
    return [{ path: pathOf(issue.path), message: issue.message }];
  });
}

export function validateStack(raw: unknown, source: string): StackConfig {
  const parsed = stackSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(source, schemaProblems(parsed.error.issues));
  }
  const problems = crossKeyProblems(parsed.data);
  if (problems.length > 0) {
    throw new ConfigError(source, problems);
  }
  return parsed.data;
}
