/**
 * pgswarm-agent: the instance manager of a DB member, one process per
 * container (CloudNativePG's model). `run` (the default) brings the member up —
 * bootstrap, join or rejoin, then the run phase — and `ctl` is the operator's
 * client (status, switchover), run in a one-shot service on the DB network.
 */
import * as fs from "fs";
import { AGENT_KEY_CREDENTIAL, BACKUP_REPO_HOST, configPath, STATE_FILE, type BackupSpec, type ClusterSpec } from "../../../components/contract";
import { serveApi } from "./api";
import { ctl } from "./ctl";
import { readSecret, writePgpass } from "./files";
import { log, setLogName } from "./log";
import { Member } from "./member";
import { Peers } from "./peers";
import { Postgres } from "./postgres";
import { LoginKeeper } from "./repo/loginKeeper";
import { Repository } from "./repo/repository";
import { installS3Keys } from "./repo/s3Keys";
import { BACKUP_TYPES, type BackupType } from "./repo/schedule";
import { StateFile } from "./state";
import { superviseTlsServer } from "./tlsServer";

export function readClusterSpec(): ClusterSpec {
  return JSON.parse(fs.readFileSync(configPath("cluster"), "utf8")) as ClusterSpec;
}

async function runMember(): Promise<void> {
  const spec = readClusterSpec();
  const name = process.env.PGSWARM_NODE_NAME;
  if (!name) throw new Error("PGSWARM_NODE_NAME is not set");
  setLogName(name);
  const key = readSecret(AGENT_KEY_CREDENTIAL);
  const kind = spec.members.find((member) => member.name === name)?.kind;
  if (kind === "data") {
    writePgpass();
    // The repository takes backups through it; archiving does not need it.
    superviseTlsServer();
  }
  const member = new Member(spec, name, new StateFile(STATE_FILE), new Postgres(), new Peers(key));
  serveApi(
    {
      health: () => ({ ok: member.alive(), phase: member.phase }),
      status: () => member.status(),
      primary: () => member.isRoutablePrimary(),
      replica: (maxLag) => member.isRoutableReplica(maxLag),
      actions: {
        heartbeat: (body) => member.onHeartbeat(body),
        vote: (body) => member.onVote(body),
        release: (body) => member.onRelease(body),
        "prepare-takeover": (body) => member.onPrepareTakeover(body),
        takeover: (body) => member.onTakeover(body),
        switchover: (body) => member.onSwitchover(body),
        logins: (body) => member.onLogins(body),
      },
    },
    key,
    name,
  );
  let stopping: Promise<void> | undefined;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      log(`${signal}: stopping`);
      stopping ??= member.stop().finally(() => process.exit(0));
    });
  }
  await member.run();
}

/** The stack's backup repository (images/postgres/pgswarm-repo.sh): pgBackRest's TLS server, the backup schedule and the login keeper. */
async function runRepository(): Promise<void> {
  setLogName(BACKUP_REPO_HOST);
  const spec = JSON.parse(fs.readFileSync(configPath("backups"), "utf8")) as BackupSpec;
  // Before pgBackRest first runs: the TLS server and every job read the S3 keys from it.
  if (installS3Keys()) log("the repository keeps its backups in S3");
  const repository = new Repository(spec);
  const server = superviseTlsServer();
  const key = readSecret(AGENT_KEY_CREDENTIAL);
  const keeper = new LoginKeeper(spec, new Peers(key));
  serveApi(
    {
      health: () => ({ ok: true }),
      status: () => ({ ...(repository.status() as object), logins: keeper.status() }),
      metrics: () => repository.metrics(),
      primary: () => false,
      replica: () => false,
      actions: {
        backup: (body: { type?: string }) => {
          const type = (body.type ?? "full") as BackupType;
          if (!BACKUP_TYPES.includes(type)) return { ok: false, error: `a backup type is one of ${BACKUP_TYPES.join(", ")}, not "${body.type}"` };
          return repository.request(type);
        },
        dump: () => repository.request("dump"),
      },
    },
    key,
    BACKUP_REPO_HOST,
  );
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      log(`${signal}: stopping`);
      server.stop();
      process.exit(0);
    });
  }
  void keeper.run();
  await repository.run();
}

const [command = "run", ...args] = process.argv.slice(2);
const main =
  command === "ctl" ? () => ctl(args, readClusterSpec(), new Peers(readSecret(AGENT_KEY_CREDENTIAL))) : command === "repo" ? runRepository : runMember;
main().catch((error: Error) => {
  log(`fatal: ${error.stack ?? error.message}`);
  process.exit(1);
});
