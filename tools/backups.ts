/**
 * `npm run backups -- <stack> [--json] [--docker-host URL]`: the stack's backups
 * as its repository knows them — each backup with its WAL range, the archive,
 * the earliest restorable time, the schedule, the last jobs and the dumps.
 */
import { runCli, stackArgument } from "./lib/cli";
import { backupsLines } from "./lib/backupsView";
import { dockerFor, dockerHostFor, lastJson, removeCtlServicesOnSignals, runCtl } from "./lib/ctlService";

runCli(async () => {
  const argv = process.argv.slice(2);
  const stack = stackArgument(argv, "npm run backups -- <stack> [--json] [--docker-host URL]");
  removeCtlServicesOnSignals();
  const result = await runCtl(dockerFor(dockerHostFor(stack, argv)), stack, ["backups"]);
  const status = lastJson(result.output);
  if (argv.includes("--json")) process.stdout.write(`${JSON.stringify(status ?? { unreachable: true })}\n`);
  else process.stdout.write(`${backupsLines(stack, status ?? { unreachable: true, reason: result.output.trim().split("\n").pop() }).join("\n")}\n`);
  return status && !status.unreachable ? 0 : 1;
});
