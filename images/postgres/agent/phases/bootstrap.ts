/**
 * Bootstrap: the first member of a new cluster creates it — initdb with
 * checksums, the roles and the application database and repmgr's record of the
 * primary (the stack's backup repository creates the pgBackRest stanza). It leaves the server stopped: the member then
 * starts it as primary only once a majority acknowledges its lease.
 */
import type { ClusterSpec } from "../../../../components/contract";
import { PGDATA, REPMGR_DB, ROLES, secretFile } from "../../../../components/contract";
import { installConfig, initMarker } from "../files";
import { log } from "../log";
import type { Postgres } from "../postgres";
import { run } from "../process";
import { reconcileRoles } from "./reconcile";
import { registerPrimary } from "./register";

export async function bootstrap(spec: ClusterSpec, pg: Postgres, writeRuntime: () => void): Promise<void> {
  log("initialising a new cluster");
  initMarker.set();
  await run(
    "initdb",
    [
      "-D", PGDATA,
      `--username=${ROLES.superuser}`,
      `--pwfile=${secretFile("superuser")}`,
      "--auth-local=peer",
      "--auth-host=scram-sha-256",
      "--encoding=UTF8",
      "--locale=C.UTF-8",
      "--data-checksums",
    ],
    { timeoutMs: 300_000 },
  );
  installConfig();
  writeRuntime();
  await pg.start();
  await reconcileRoles(spec, pg);
  await pg.query(`CREATE DATABASE ${REPMGR_DB} OWNER ${ROLES.replication}`, [], 120_000);
  if (spec.topology !== "standalone") await registerPrimary();
  await pg.stop("fast");
  initMarker.clear();
  log("cluster initialised");
}
