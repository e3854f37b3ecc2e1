/**
 * npm run bench:deploy -- standalone [--runs N]
 *
 * Cold deploy on the testbed: from nothing (stack and volumes removed) to every
 * task running and healthy, split into apply (the program registering and the
 * Engine API calls) and convergence (Swarm scheduling, PostgreSQL initdb,
 * health checks). Plan time is the offline `plan` of the same stack.
 * Prints JSON, then one summary line. Needs `npm run testbed:up`.
 */
import { deploy, destroy } from "../tests/harness/deploy";
import { waitConverged } from "../tests/harness/swarm";
import { requireTestbed } from "../tests/harness/testbed";
import { standaloneStack } from "../tests/e2e/stacks";
import { runProgram } from "../tools/lib/mockRun";
import { recordOnly } from "../tools/lib/recorder";
import { distribution } from "./stats";

const STACKS: Record<string, () => Record<string, unknown>> = { standalone: () => standaloneStack() };

function freshRuntime(): void {
  for (const key of Object.keys(require.cache)) {
    if (key.includes("/@pulumi/") || (!key.includes("/node_modules/") && !key.includes("/tests/harness/") && !key.includes("/bench/"))) delete require.cache[key];
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const topology = args.find((arg) => !arg.startsWith("-") && !/^\d+$/.test(arg)) ?? "standalone";
  const runsAt = args.indexOf("--runs");
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
  if (!STACKS[topology]) throw new Error(`no bench stack for topology "${topology}"; have: ${Object.keys(STACKS).join(", ")}`);
  await requireTestbed();

  const stack = "bench";
  const applyMs: number[] = [];
  const convergeMs: number[] = [];
  const coldMs: number[] = [];
  const planMs: number[] = [];
  for (let run = 0; run < runs; run++) {
    await destroy(stack, { volumes: true });
    const started = Date.now();
    await deploy(stack, STACKS[topology]());
    const applied = Date.now();
    await waitConverged(stack);
    const converged = Date.now();
    applyMs.push(applied - started);
    convergeMs.push(converged - applied);
    coldMs.push(converged - started);

    freshRuntime();
    const planStarted = Date.now();
    await runProgram(stack, STACKS[topology](), recordOnly);
    planMs.push(Date.now() - planStarted);
    freshRuntime();
  }
  await destroy(stack, { volumes: true });

  const result = {
    bench: "deploy",
    topology,
    nodes: 3,
    runs,
    coldDeployMs: distribution(coldMs),
    applyMs: distribution(applyMs),
    convergeMs: distribution(convergeMs),
    planMs: distribution(planMs),
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(
    `deploy ${topology}: cold deploy median ${(result.coldDeployMs.median / 1000).toFixed(1)} s ` +
      `(apply ${(result.applyMs.median / 1000).toFixed(1)} s + converge ${(result.convergeMs.median / 1000).toFixed(1)} s), ` +
      `plan median ${(result.planMs.median / 1000).toFixed(2)} s, ${runs} runs\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
