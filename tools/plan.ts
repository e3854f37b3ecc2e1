/**
 * `npm run plan -- <stack>`: runs the real program under mocks and prints what
 * it would deploy, a reviewer's summary first (topology, members on nodes,
 * endpoints and their users, changes against the last applied state when
 * --previous gives it), then every resource. --json, --mermaid (a diagram) and
 * --markdown (summary, diagram and detail for a PR comment) print the same plan
 * in other shapes. No backend, no swarm.
 */
import { activeLogin, loadFromFile, readStackFile, rotationStep, s3RepositoryOf, s3StackPath, stackFilePath } from "../components/config";
import { runCli } from "./lib/cli";
import { PROJECT_DIR, runProgram } from "./lib/mockRun";
import { parsePlanArgs, PLAN_USAGE, UsageError, type PlanArgs } from "./lib/planArgs";
import { renderMermaid } from "./lib/planDiagram";
import { diffPlans, loadPrevious, PreviousStateError, renderChanges } from "./lib/planDiff";
import { renderSummary, summarize } from "./lib/planSummary";
import { planView, type PlannedResource } from "./lib/planView";
import { recordOnly } from "./lib/recorder";

function describe(resource: PlannedResource): string {
  const { type, name, ...facts } = resource;
  const lines = [`${type.padEnd(12)} ${name}`];
  for (const [key, value] of Object.entries(facts)) {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    const text = typeof value === "string" || typeof value === "number" ? String(value) : JSON.stringify(value);
    lines.push(`    ${key}: ${text}`);
  }
  return lines.join("\n");
}

function parseArgs(): PlanArgs {
  try {
    return parsePlanArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\nusage: ${PLAN_USAGE}\n`);
    process.exit(2);
  }
}

// `plan … | head` closes the pipe early: that is not an error worth a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

runCli(async () => {
  const args = parseArgs();
  const file = stackFilePath(PROJECT_DIR, args.stack);
  const config = loadFromFile(file); // readable errors before the program runs
  let previous: PlannedResource[] | undefined;
  try {
    previous = args.previous ? await loadPrevious(args.previous) : undefined;
  } catch (error) {
    if (!(error instanceof PreviousStateError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }

  const started = process.hrtime.bigint();
  const result = await runProgram(args.stack, readStackFile(file), recordOnly);
  const resources = await planView(result.resources);
  const planMs = Number(process.hrtime.bigint() - started) / 1e6;
  const summary = summarize(args.stack, config.topology, resources);
  const s3 = s3RepositoryOf(config);
  if (summary.repository && s3) summary.repository.storage = `s3://${s3.bucket}${s3StackPath(s3, args.stack)} at ${s3.endpoint}`;
  summary.logins = {
    roles: [activeLogin(config.database, "app").role, activeLogin(config.database, "reader").role],
    rotation: rotationStep(config.database.credentialsRotation),
  };
  const changes = previous ? diffPlans(previous, resources) : undefined;

  const out = (text: string) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  switch (args.format) {
    case "json":
      out(JSON.stringify({ stack: args.stack, summary, changes: changes ?? null, outputs: result.outputs, resources, planMs }, null, 2));
      break;
    case "mermaid":
      out(renderMermaid(summary));
      break;
    case "markdown":
      out(
        [
          `### pgswarm plan: \`${args.stack}\``,
          "",
          "```text",
          ...renderSummary(summary),
          "",
          ...renderChanges(changes),
          "```",
          "",
          "```mermaid",
          renderMermaid(summary).trimEnd(),
          "```",
          "",
          `<details><summary>${resources.length} resources</summary>`,
          "",
          "```text",
          resources.map(describe).join("\n"),
          "```",
          "</details>",
        ].join("\n"),
      );
      break;
    default:
      out([...renderSummary(summary), "", ...renderChanges(changes), "", "resources:", resources.map(describe).join("\n"), ""].join("\n"));
      out(`${resources.length} resources, planned in ${planMs.toFixed(0)} ms`);
  }
  if (result.errors.length > 0) {
    for (const error of result.errors) process.stderr.write(`${error.type} ${error.name}: ${error.message}\n`);
    return 1;
  }
  return 0;
});
