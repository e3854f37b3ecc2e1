/** What the offline tools share: finding the stack file and ending without a stack trace on a user's mistake. */
import { ConfigError } from "../../components/config";

/** The first word that is not a flag nor a flag's value (`--docker-host URL`, `--watch 2`). */
export function stackArgument(argv: string[], usage: string): string {
  const stack = argv.find(
    (arg, index) => !arg.startsWith("-") && argv[index - 1] !== "--docker-host" && !(argv[index - 1] === "--watch" && /^[\d.]+$/.test(arg)),
  );
  if (!stack) {
    process.stderr.write(`usage: ${usage}\n`);
    process.exit(2);
  }
  return stack;
}

/** `--watch [seconds]`: undefined without it, 1 s when no number follows; 0.1 to 60 s, else usage and exit 2. */
export function watchIntervalMs(argv: string[], usage: string): number | undefined {
  const at = argv.indexOf("--watch");
  if (at < 0) return undefined;
  const given = argv[at + 1];
  if (given === undefined || !/^[\d.]+$/.test(given)) return 1000;
  const seconds = Number(given);
  if (!Number.isFinite(seconds) || seconds < 0.1 || seconds > 60) {
    process.stderr.write(`--watch wants seconds from 0.1 to 60, found "${given}"\nusage: ${usage}\n`);
    process.exit(2);
  }
  return Math.round(seconds * 1000);
}

export async function runCli(main: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await main();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}
