/**
 * pgBackRest's TLS server, kept running beside a member (the repository takes
 * backups through it) and inside the repository service (members archive to
 * it). Restarted whenever it exits; its own log lines reach the container log.
 */
import { spawn, type ChildProcess } from "child_process";
import { log } from "./log";

export function superviseTlsServer(): { stop(): void } {
  let child: ChildProcess | undefined;
  let stopped = false;
  const start = () => {
    if (stopped) return;
    child = spawn("pgbackrest", ["server"], { stdio: ["ignore", "inherit", "inherit"] });
    child.on("exit", (code, signal) => {
      child = undefined;
      if (stopped) return;
      log(`pgBackRest's TLS server exited (${code ?? signal}); starting it again`);
      setTimeout(start, 2000);
    });
  };
  start();
  return {
    stop: () => {
      stopped = true;
      child?.kill("SIGTERM");
    },
  };
}
