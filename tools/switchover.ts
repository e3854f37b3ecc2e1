/**
 * `npm run switchover -- <stack> [pgnodeN] [--docker-host URL]`: moves the
 * primary to another member (the most advanced standby, or the one named) with
 * no acknowledged commit lost: the primary checkpoints, stops cleanly (its
 * standbys receive everything), hands its lease over, and the chosen standby is
 * elected and promoted. Runs inside the cluster as a one-shot service (no SSH).
 */
import { runCli, stackArgument } from "./lib/cli";
import { runCtlCommand } from "./lib/ctlService";

runCli(async () => {
  const argv = process.argv.slice(2);
  const stack = stackArgument(argv, "npm run switchover -- <stack> [pgnodeN] [--docker-host URL]");
  const positional = argv.filter((arg, index) => !arg.startsWith("-") && argv[index - 1] !== "--docker-host");
  const target = positional[1];
  if (target && !/^pgnode[1-9]$/.test(target)) {
    process.stderr.write(`switchover: "${target}" is not a DB member; name one of pgnode1 … pgnode9, or none for the most advanced standby\n`);
    return 2;
  }
  return runCtlCommand("switchover", stack, argv, ["switchover", ...(target ? [target] : [])], (outcome) =>
    outcome.ok
      ? `switchover ${stack}: ${outcome.from} → ${outcome.to}${outcome.ms !== undefined ? ` in ${outcome.ms} ms` : ""}` +
        (outcome.note ? `\n  ${outcome.requested} was asked for: ${outcome.note}` : "")
      : `switchover ${stack}: not done: ${outcome.reason}`,
  );
});
