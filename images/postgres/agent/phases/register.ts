/** repmgr's metadata, kept true after every role change so `repmgr cluster show` tells operators what they expect. */
import { configPath, REPMGR_DB, ROLES } from "../../../../components/contract";
import { log } from "../log";
import { run } from "../process";

const REPMGR_CONF = configPath("repmgr");

// Metadata need not wait for a synchronous standby (and must not block when none streams).
const LOCAL_COMMIT = { PGOPTIONS: "-c synchronous_commit=local" };

export async function registerPrimary(): Promise<void> {
  await run("repmgr", ["-f", REPMGR_CONF, "primary", "register", "--force"], { timeoutMs: 30_000, env: LOCAL_COMMIT });
}

export async function registerStandby(upstreamNodeId: number): Promise<void> {
  await run("repmgr", ["-f", REPMGR_CONF, "standby", "register", "--force", `--upstream-node-id=${upstreamNodeId}`], { timeoutMs: 30_000, env: LOCAL_COMMIT });
}

/** Metadata only: a failure is logged, never blocks a role change. */
export async function bestEffort(what: string, action: () => Promise<void>): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (error) {
    log(`${what} failed (retried later): ${(error as Error).message}`);
    return false;
  }
}

export const cloneArgs = (upstream: string) => ["-f", REPMGR_CONF, "-h", upstream, "-U", ROLES.replication, "-d", REPMGR_DB, "standby", "clone", "--fast-checkpoint"];
