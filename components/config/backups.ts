/**
 * The backup settings' own checks and derivations: which node holds the
 * repository, what a restore time means, which stack names a restore may name.
 */
import type { Problem } from "./rules";
import type { StackConfig } from "./schema";

/** A Pulumi stack name as pgswarm uses it in Docker names (`<stack>_backup-repo_data`). */
const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export function stackNameProblem(name: string): string | undefined {
  return STACK_NAME.test(name) ? undefined : "expected a stack name: letters, digits, '.', '_' and '-', starting with a letter or digit";
}

const RESTORE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d{1,6})?(Z|[+-]\d{2}(?::?\d{2})?)$/;

export function restoreTimeProblem(text: string): string | undefined {
  if (text === "latest") return undefined;
  const match = RESTORE_TIME.exec(text);
  if (!match || !Number.isFinite(Date.parse(`${match[1]}T${match[2]}${normalZone(match[4])}`))) {
    return 'expected "latest" or a time with its zone such as 2026-11-26T03:00:00Z or 2026-11-26 04:00:00.250+01:00';
  }
  return undefined;
}

const normalZone = (zone: string) => (zone === "Z" ? "Z" : zone.length === 3 ? `${zone}:00` : zone.includes(":") ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`);

/**
 * A restore time as PostgreSQL's recovery_target_time and pgBackRest's --target
 * both read it: UTC, `YYYY-MM-DD HH:MM:SS[.ffffff]+00`, the fraction kept exactly.
 */
export function recoveryTargetTime(text: string): string {
  const match = RESTORE_TIME.exec(text);
  if (!match) throw new Error(`not a restore time: ${text}`);
  const utc = new Date(Date.parse(`${match[1]}T${match[2]}${normalZone(match[4])}`)).toISOString();
  return `${utc.slice(0, 10)} ${utc.slice(11, 19)}${match[3] ?? ""}+00`;
}

/**
 * The node that holds the repository: backups.node, else the last node marked
 * backups: true in the stack file. It depends on the nodes alone, never on the
 * topology or the placement: a repository that moved with a topology edit would
 * start a new, empty archive on another node (the local volume stays behind).
 * Listed in the usual order (db-a, db-b, db-c), the last is not the usual primary's.
 */
export function repositoryNodeOf(config: Pick<StackConfig, "backups" | "nodes">): string | undefined {
  if (config.backups.node) return config.backups.node;
  return Object.keys(config.nodes)
    .filter((node) => config.nodes[node].backups)
    .at(-1);
}

export function backupRules(config: StackConfig, stack?: string): Problem[] {
  const problems: Problem[] = [];
  const { node } = config.backups;
  if (node !== undefined) {
    if (!config.nodes[node]) {
      problems.push({ path: "backups.node", message: `node "${node}" is not declared under nodes` });
    } else if (!config.nodes[node].backups) {
      problems.push({ path: "backups.node", message: `"${node}" holds the backup repository, so it must be marked backups: true (found backups: false)` });
    }
  } else if (repositoryNodeOf(config) === undefined) {
    problems.push({ path: "backups.node", message: "the backup repository needs a node marked backups: true under nodes; none is" });
  }
  const restore = config.database.restore;
  if (restore && stack !== undefined && restore.from === stack) {
    problems.push({
      path: "database.restore.from",
      message: `expected another stack's name: a stack restores from the backups of a stack it does not overwrite, found its own name "${stack}"`,
    });
  }
  return problems;
}
