/** Running the PostgreSQL and repmgr tools: arguments only (never a secret), output logged, failures with their last lines. */
import { execFile } from "child_process";
import { log } from "./log";

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    super(`${command} failed (exit ${exitCode ?? "signal"}): ${output.trim().split("\n").slice(-5).join(" | ")}`);
  }
}

export interface RunOptions {
  timeoutMs?: number;
  /** Log each output line (long operations such as clones and rewinds). */
  echo?: boolean;
  env?: Record<string, string>;
}

export function run(command: string, args: string[], options: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, ...options.env } },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`;
        if (options.echo) for (const line of output.split("\n").filter(Boolean)) log(`  ${command}: ${line}`);
        if (error) {
          const code = typeof (error as NodeJS.ErrnoException).code === "number" ? ((error as unknown as { code: number }).code) : null;
          reject(new CommandError(command, code, output || error.message));
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds on a clock that never jumps (leases and timeouts must not follow wall-clock changes). */
export const monotonicMs = () => Number(process.hrtime.bigint() / 1_000_000n);
