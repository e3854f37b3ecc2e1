/**
 * The backup settings' own checks and derivations: which node holds the
 * repository, where an S3 repository keeps a stack's backups, what a restore
 * time means, which stack names a restore may name.
 */
import type { Problem } from "./rules";
import type { StackConfig } from "./schema";

/** A Pulumi stack name as pgswarm uses it in Docker names (`<stack>_backup-repo_data`). */
const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export function stackNameProblem(name: string): string | undefined {
  return STACK_NAME.test(name) ? undefined : "expected a stack name: letters, digits, '.', '_' and '-', starting with a letter or digit";
}

export const REPOSITORY_TYPES = ["service", "s3"] as const;

/** The secret config keys (pulumi config set --secret pgswarm:<key>) that hold an S3 repository's keys. */
export const S3_KEY_CONFIG = { accessKey: "s3AccessKey", secretKey: "s3SecretKey" } as const;

// S3's bucket rules: 3 to 63 characters, lowercase letters, digits, '.' and '-', a letter or digit at each end.
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IPV4 = /^\d+\.\d+\.\d+\.\d+$/;

export function s3BucketProblem(name: string): string | undefined {
  if (!S3_BUCKET.test(name) || name.includes("..") || IPV4.test(name)) {
    return "expected an S3 bucket name: 3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit, not an IP address";
  }
  return undefined;
}

const HOST_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function s3EndpointProblem(endpoint: string): string | undefined {
  if (/^[a-z]+:\/\//i.test(endpoint)) return "expected the endpoint's host name without a scheme (pgBackRest always speaks HTTPS to S3), such as s3.eu-central-1.amazonaws.com";
  const [host, port, ...rest] = endpoint.split(":");
  const portOk = port === undefined || (/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535);
  if (rest.length > 0 || !portOk || host.length > 253 || !host.split(".").every((label) => HOST_LABEL.test(label))) {
    return "expected an S3 endpoint: a host name with an optional port, such as s3.eu-central-1.amazonaws.com or minio.example.org:9000";
  }
  return undefined;
}

export const S3_REGION = /^[a-z0-9][a-z0-9-]{0,31}$/;

export function s3PathProblem(text: string): string | undefined {
  const segments = text.split("/").slice(1);
  if (!text.startsWith("/") || text.length > 200 || (text !== "/" && segments.some((segment) => !/^[A-Za-z0-9._-]+$/.test(segment) || segment === "." || segment === ".."))) {
    return "expected a path in the bucket such as /pgswarm: '/' and then names of letters, digits, '.', '_' and '-' separated by '/', at most 200 characters";
  }
  return undefined;
}

/** An S3 repository as pgBackRest is told about it, the defaults filled in. */
export interface S3Repository {
  bucket: string;
  endpoint: string;
  region: string;
  uriStyle: "host" | "path";
  verifyTls: boolean;
  /** The prefix shared by the stacks in the bucket. */
  prefix: string;
}

export const S3_DEFAULT_PREFIX = "/pgswarm";

/** The repository of a stack whose backups.repository.type is s3; undefined for the repository service's volume. */
export function s3RepositoryOf(config: Pick<StackConfig, "backups">): S3Repository | undefined {
  const repository = config.backups.repository;
  if (repository.type !== "s3" || !repository.bucket || !repository.endpoint || !repository.region) return undefined;
  return {
    bucket: repository.bucket,
    endpoint: repository.endpoint,
    region: repository.region,
    uriStyle: repository.uriStyle ?? "host",
    verifyTls: repository.verifyTls ?? true,
    prefix: repository.path ?? S3_DEFAULT_PREFIX,
  };
}

/** Where a stack's repository lives in the bucket: <prefix>/<stack>. A restore reads <prefix>/<restore.from>. */
export const s3StackPath = (repository: Pick<S3Repository, "prefix">, stack: string) => `${repository.prefix.replace(/\/$/, "")}/${stack}`;

const S3_ONLY = ["bucket", "endpoint", "region", "path", "uriStyle", "verifyTls"] as const;

function repositoryRules(config: StackConfig, secretKeys?: string[]): Problem[] {
  const repository = config.backups.repository;
  if (repository.type !== "s3") {
    return S3_ONLY.filter((key) => repository[key] !== undefined).map((key) => ({
      path: `backups.repository.${key}`,
      message: `only an S3 repository has a ${key}: set backups.repository.type: s3, or remove it (found type "${repository.type}")`,
    }));
  }
  const problems: Problem[] = [];
  for (const key of ["bucket", "endpoint", "region"] as const) {
    if (repository[key] === undefined) problems.push({ path: `backups.repository.${key}`, message: `required: an S3 repository needs its ${key}` });
  }
  // Known only where the caller saw the engine's config or the stack file (not to validateStack alone).
  for (const key of Object.values(S3_KEY_CONFIG)) {
    if (secretKeys && !secretKeys.includes(key)) {
      problems.push({
        path: key,
        message: `required: an S3 repository needs its key as a secret; run \`pulumi config set --secret pgswarm:${key} <value>\``,
      });
    }
  }
  return problems;
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

export function backupRules(config: StackConfig, stack?: string, secretKeys?: string[]): Problem[] {
  const problems: Problem[] = [...repositoryRules(config, secretKeys)];
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
