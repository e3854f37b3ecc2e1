/**
 * WAL positions and timelines, as PostgreSQL writes them ("16/B374D848", history
 * files), and the one decision built on them: whether a member's WAL has
 * diverged from a leader's timeline, so that it must be rewound before it can follow.
 */

/** A WAL position as a number of bytes ("0/3000060" → 50331744n). */
export function parseLsn(text: string | null | undefined): bigint | undefined {
  if (!text) return undefined;
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text.trim());
  if (!match) return undefined;
  return (BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`);
}

export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

/** A member's position for elections: the newest timeline it knows, and how far its WAL reaches on it. */
export interface Position {
  timeline: number;
  lsn: bigint;
}

/** Whether `a` holds at least what `b` holds: a newer timeline wins, then the further WAL position. */
export function atLeast(a: Position, b: Position): boolean {
  return a.timeline > b.timeline || (a.timeline === b.timeline && a.lsn >= b.lsn);
}

export function comparePositions(a: Position, b: Position): number {
  if (a.timeline !== b.timeline) return a.timeline - b.timeline;
  return a.lsn === b.lsn ? 0 : a.lsn > b.lsn ? 1 : -1;
}

/** One line of a timeline history file: the parent timeline and where the child branched off it. */
export interface TimelineSwitch {
  parent: number;
  switchpoint: bigint;
}

/** Parses `0000000N.history` (lines "parentTLI<TAB>switchpoint<TAB>reason"). */
export function parseHistory(text: string): TimelineSwitch[] {
  const switches: TimelineSwitch[] = [];
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith("#")) continue;
    const [parent, switchpoint] = trimmed.split(/\s+/);
    const lsn = parseLsn(switchpoint);
    if (!/^\d+$/.test(parent ?? "") || lsn === undefined) continue;
    switches.push({ parent: Number(parent), switchpoint: lsn });
  }
  return switches;
}

/** The name of a timeline's history file, in pg_wal and in the archive (3 → "00000003.history"). */
export function historyFileName(timeline: number): string {
  return `${timeline.toString(16).toUpperCase().padStart(8, "0")}.history`;
}

/** The timeline a WAL file name belongs to ("000000020000000000000005" → 2). */
export function timelineOfWalFile(name: string): number | undefined {
  return /^[0-9A-F]{24}$/.test(name) ? parseInt(name.slice(0, 8), 16) : undefined;
}

/**
 * Whether a member at `mine` must be rewound to follow a leader on `leaderTimeline`
 * whose history is `history`: it has WAL on a timeline the leader left (or never
 * had) past the point where the leader branched off.
 */
export function hasDiverged(mine: Position, leaderTimeline: number, history: TimelineSwitch[]): boolean {
  if (mine.timeline === leaderTimeline) return false;
  if (mine.timeline > leaderTimeline) return true;
  const left = history.find((entry) => entry.parent === mine.timeline);
  if (!left) return true;
  return mine.lsn > left.switchpoint;
}
