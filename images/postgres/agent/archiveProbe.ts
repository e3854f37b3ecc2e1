/** A member asking the WAL archive whether a timeline's history is there (handover.ts, promotesFromLocalWal). */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { STANZA } from "../../../components/contract";
import { historyFileName } from "./lsn";
import { CommandError, run } from "./process";

/** pgBackRest's archive-get exits 1 for a file that is not in the archive; any other failure says nothing. */
const NOT_IN_ARCHIVE = 1;

/** true: archived; false: not archived; undefined: the archive did not answer within `timeoutMs`. */
export async function archiveHasHistory(timeline: number, timeoutMs: number): Promise<boolean | undefined> {
  // Not under pg_wal: a history file there is one PostgreSQL would follow.
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "pgswarm-history-probe-"));
  const destination = path.join(directory, historyFileName(timeline));
  try {
    await run("pgbackrest", [`--stanza=${STANZA}`, "archive-get", historyFileName(timeline), destination], { timeoutMs });
    return true;
  } catch (error) {
    return error instanceof CommandError && error.exitCode === NOT_IN_ARCHIVE ? false : undefined;
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}
