/**
 * images/postgres/pgswarm-wal.sh, run for real with bash: a stand-in `pgbackrest` on PATH records
 * each call, a local TCP listener plays the repository's port, and a contract.sh of the test's
 * own points the script at them.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

const SCRIPT = path.join(__dirname, "../../../images/postgres/pgswarm-wal.sh");
let dir: string;
let server: net.Server;
let streamFirstFile: string;
let callsFile: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pgswarm-wal-"));
  server = net.createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  streamFirstFile = path.join(dir, "stream-first");
  callsFile = path.join(dir, "calls");
  fs.writeFileSync(
    path.join(dir, "contract.sh"),
    [
      "PGSWARM_STANZA=pgswarm",
      "PGSWARM_BACKUP_REPO_HOST=127.0.0.1",
      `PGSWARM_PGBACKREST_TLS_PORT=${port}`,
      "PGSWARM_WAL_CONNECT_TIMEOUT=1",
      "PGSWARM_WAL_GET_TIMEOUT=5",
      "PGSWARM_WAL_PUSH_TIMEOUT=5",
      "PGSWARM_WAL_DOWN_REMEMBERED=10",
      `PGSWARM_STREAM_FIRST_FILE=${streamFirstFile}`,
      "",
    ].join("\n"),
  );
  fs.mkdirSync(path.join(dir, "bin"));
  fs.writeFileSync(path.join(dir, "bin", "pgbackrest"), `#!/bin/bash\necho "$*" >>"${callsFile}"\nexit 0\n`, { mode: 0o755 });
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  fs.rmSync(callsFile, { force: true });
  fs.rmSync(streamFirstFile, { force: true });
  fs.rmSync(path.join(dir, "down"), { force: true });
});

function archiveGet(file: string): { status: number | null; calls: string[] } {
  const result = spawnSync("bash", [SCRIPT, "pgbackrest", "archive-get", file, path.join(dir, "out")], {
    env: {
      PATH: `${path.join(dir, "bin")}:${process.env.PATH}`,
      PGSWARM_CONTRACT_SH: path.join(dir, "contract.sh"),
      PGSWARM_REPOSITORY_DOWN_FILE: path.join(dir, "down"),
    },
    encoding: "utf8",
  });
  const calls = fs.existsSync(callsFile) ? fs.readFileSync(callsFile, "utf8").trim().split("\n") : [];
  return { status: result.status, calls };
}

const SEGMENT = "000000040000000000000009";
const epoch = () => Math.floor(Date.now() / 1000);

describe("pgswarm-wal archive-get (restore_command)", () => {
  it("fetches a segment from the repository when no stream-first expiry is held", () => {
    expect(archiveGet(SEGMENT)).toEqual({ status: 0, calls: [`--stanza=pgswarm archive-get ${SEGMENT} ${path.join(dir, "out")}`] });
  });

  it("while the agent holds a stream-first expiry, answers 'not here' for segments and timeline history without asking the repository", () => {
    fs.writeFileSync(streamFirstFile, `${epoch() + 2}\n`);
    expect(archiveGet(SEGMENT)).toEqual({ status: 1, calls: [] });
    expect(archiveGet("00000004.history")).toEqual({ status: 1, calls: [] });
  });

  it("fetches timeline history from the repository once the expiry is dropped (a promotion chooses its timeline against the archive)", () => {
    expect(archiveGet("00000004.history")).toEqual({ status: 0, calls: [`--stanza=pgswarm archive-get 00000004.history ${path.join(dir, "out")}`] });
  });

  it("ignores an expired or unreadable expiry: the segment comes from the repository", () => {
    fs.writeFileSync(streamFirstFile, `${epoch() - 5}\n`);
    expect(archiveGet(SEGMENT).calls).toHaveLength(1);
    fs.writeFileSync(streamFirstFile, "soon\n");
    expect(archiveGet(SEGMENT).calls).toHaveLength(2);
  });
});
