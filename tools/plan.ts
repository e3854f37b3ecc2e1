/**
 * `npm run plan -- <stack> [--json]`: runs the real program under mocks and
 * prints every resource it would declare. No backend, no swarm.
 */
import { loadFromFile, readStackFile, stackFilePath } from "../components/config";
import { runCli, stackArgument } from "./lib/cli";
import { PROJECT_DIR, runProgram } from "./lib/mockRun";
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

runCli(async () => {
  const argv = process.argv.slice(2);
  const stack = stackArgument(argv, "npm run plan -- <stack> [--json]");
  const file = stackFilePath(PROJECT_DIR, stack);
  loadFromFile(file); // readable errors before the program runs
  const flat = readStackFile(file);

  const started = process.hrtime.bigint();
  const result = await runProgram(stack, flat, recordOnly);
  const resources = await planView(result.resources);
  const planMs = Number(process.hrtime.bigint() - started) / 1e6;

  if (argv.includes("--json")) {
    process.stdout.write(`${JSON.stringify({ stack, outputs: result.outputs, resources, planMs }, null, 2)}\n`);
  } else {
    process.stdout.write(`${resources.map(describe).join("\n")}\n\n`);
    process.stdout.write(`endpoints: ${JSON.stringify(result.outputs.endpoints)}\n`);
    process.stdout.write(`${resources.length} resources, planned in ${planMs.toFixed(0)} ms\n`);
  }
  return result.errors.length === 0 ? 0 : 1;
});
