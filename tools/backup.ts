/**
 * `npm run backup -- <stack> [full|diff|incr|dump] [--docker-host URL]`: an
 * on-demand backup (full unless named) or logical dump, taken by the stack's
 * repository like a scheduled one (from a healthy standby when there is one);
 * returns when it is done.
 */
import { runCli, stackArgument } from "./lib/cli";
import { runCtlCommand } from "./lib/ctlService";

const KINDS = ["full", "diff", "incr", "dump"];

runCli(async () => {
  const argv = process.argv.slice(2);
  const usage = "npm run backup -- <stack> [full|diff|incr|dump] [--docker-host URL]";
  const stack = stackArgument(argv, usage);
  const positional = argv.filter((arg, index) => !arg.startsWith("-") && argv[index - 1] !== "--docker-host");
  const kind = positional[1] ?? "full";
  if (!KINDS.includes(kind)) {
    process.stderr.write(`backup: "${kind}" is not a kind of backup; use one of ${KINDS.join(", ")} (${usage})\n`);
    return 2;
  }
  return runCtlCommand(
    "backup",
    stack,
    argv,
    ["backup", kind],
    (outcome) =>
      outcome.ok ? `backup ${stack}: ${kind} ${outcome.made} in ${(outcome.ms / 1000).toFixed(1)} s` : `backup ${stack}: ${kind} failed: ${outcome.error}`,
    12 * 3600_000,
  );
});
