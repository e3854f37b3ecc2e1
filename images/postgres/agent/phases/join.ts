/**
 * Join: a member with an empty volume clones the current primary with repmgr
 * (pg_basebackup underneath) and becomes its standby. An interrupted clone is
 * marked and redone from scratch on the next start.
 */
import * as fs from "fs";
import { DIVERGED_DIR_PREFIX, PGDATA } from "../../../../components/contract";
import { installConfig, initMarker, markStandby } from "../files";
import { log } from "../log";
import { run } from "../process";
import { cloneArgs } from "./register";

export async function cloneFrom(leader: string): Promise<void> {
  log(`cloning from ${leader}`);
  initMarker.set();
  fs.rmSync(PGDATA, { recursive: true, force: true });
  await run("repmgr", cloneArgs(leader), { timeoutMs: 6 * 3600_000, echo: true });
  installConfig();
  markStandby(true);
  initMarker.clear();
  log(`cloned from ${leader}`);
}

/** Keeps diverged data aside (one generation, so the volume does not fill up) instead of deleting it. */
export function moveAside(): string {
  const aside = `${DIVERGED_DIR_PREFIX}${new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "")}`;
  const parent = DIVERGED_DIR_PREFIX.slice(0, DIVERGED_DIR_PREFIX.lastIndexOf("/"));
  const prefix = DIVERGED_DIR_PREFIX.slice(parent.length + 1);
  for (const entry of fs.readdirSync(parent)) {
    if (entry.startsWith(prefix)) fs.rmSync(`${parent}/${entry}`, { recursive: true, force: true });
  }
  fs.renameSync(PGDATA, aside);
  return aside;
}
