/** `npm run plan` arguments: a stack, one output format, and optionally the last applied state. */
export type PlanFormat = "text" | "json" | "mermaid" | "markdown";

export interface PlanArgs {
  stack: string;
  format: PlanFormat;
  previous?: string;
}

export const PLAN_USAGE = "npm run plan -- <stack> [--json | --mermaid | --markdown] [--previous <pulumi stack export file | plan --json file>]";

export class UsageError extends Error {}

const FORMATS: Record<string, PlanFormat> = { "--json": "json", "--mermaid": "mermaid", "--diagram": "mermaid", "--markdown": "markdown" };

export function parsePlanArgs(argv: string[]): PlanArgs {
  const positional: string[] = [];
  const formats: PlanFormat[] = [];
  let previous: string | undefined;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg in FORMATS) formats.push(FORMATS[arg]);
    else if (arg === "--previous" || arg.startsWith("--previous=")) {
      previous = arg.includes("=") ? arg.slice("--previous=".length) : argv[++index];
      if (!previous) throw new UsageError("--previous needs a file");
    } else if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length !== 1) throw new UsageError(positional.length === 0 ? "which stack?" : `one stack at a time (got ${positional.join(", ")})`);
  if (formats.length > 1) throw new UsageError("choose one of --json, --mermaid, --markdown");
  return { stack: positional[0], format: formats[0] ?? "text", previous };
}
