/** What the offline tools share: finding the stack file and ending without a stack trace on a user's mistake. */
import { ConfigError } from "../../components/config";

export function stackArgument(argv: string[], usage: string): string {
  const stack = argv.find((arg) => !arg.startsWith("-"));
  if (!stack) {
    process.stderr.write(`usage: ${usage}\n`);
    process.exit(2);
  }
  return stack;
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
