/**
 * What a member must remember across restarts for elections to be safe: the
 * newest term it knows, whom it voted for in it, whom it followed, the members
 * known to hold every acknowledged commit, and the last term it led itself.
 * Written atomically (write, fsync, rename, fsync the directory) before the
 * member answers a vote or a heartbeat that changed it.
 */
import * as fs from "fs";
import * as path from "path";

export interface MemberState {
  term: number;
  votedFor?: string;
  leader?: string;
  /** Members holding every acknowledged commit, as the leader of `term` last said (undefined: no constraint yet). */
  syncSet?: string[];
  /** The newest term this member led: its data may hold commits a newer leader lacks. */
  ledTerm?: number;
}

export const EMPTY_STATE: MemberState = { term: 0 };

export function sameState(a: MemberState, b: MemberState): boolean {
  return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
}

function normalise(state: MemberState): MemberState {
  return {
    term: state.term,
    votedFor: state.votedFor,
    leader: state.leader,
    syncSet: state.syncSet ? [...state.syncSet].sort() : undefined,
    ledTerm: state.ledTerm,
  };
}

export class StateFile {
  constructor(private readonly file: string) {}

  load(): MemberState {
    if (!fs.existsSync(this.file)) return { ...EMPTY_STATE };
    const parsed = JSON.parse(fs.readFileSync(this.file, "utf8")) as MemberState;
    return { ...EMPTY_STATE, ...parsed };
  }

  save(state: MemberState): void {
    const dir = path.dirname(this.file);
    fs.mkdirSync(dir, { recursive: true });
    const temporary = `${this.file}.tmp`;
    const fd = fs.openSync(temporary, "w", 0o600);
    try {
      fs.writeSync(fd, `${JSON.stringify(normalise(state))}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, this.file);
    const dirFd = fs.openSync(dir, "r");
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  }
}
