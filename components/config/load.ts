/**
 * Where stack values come from: the Pulumi engine's config (under `pulumi up`
 * and the mocks) or a `Pulumi.<stack>.yaml` file read directly (offline tools).
 * Both go through the same key checks and the same validation.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { repositoryNodeOf, s3RepositoryOf, s3StackPath } from "./backups";
import { pgswarmValues } from "./namespace";
import type { Problem } from "./rules";
import type { StackConfig } from "./schema";
import { ConfigError, validateStack } from "./validate";

export { NAMESPACE, pgswarmValues } from "./namespace";

/**
 * The engine hands every top-level value over as text, structured values as
 * JSON: "3" → 3, "true" → true, '{"nodes":3}' → an object, "standalone" stays text.
 */
function decodeEngineValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Stack values as the Pulumi engine (or its mocks) provides them; with the project's folder, checked against the stack a restore reads. */
export function loadFromEngine(allConfig: Record<string, string>, stack: string, isSecret?: (key: string) => boolean, projectDir?: string): StackConfig {
  const flat = Object.fromEntries(Object.entries(allConfig).map(([key, value]) => [key, decodeEngineValue(value)]));
  const { values, problems, secretKeys } = pgswarmValues(flat, { bareKeys: "ours", isSecret });
  const source = `stack "${stack}" config`;
  const config = validateStack(values, source, { stack, problems, secretKeys });
  return projectDir ? withRestoreSourceChecked(config, source, projectDir) : config;
}

function withRestoreSourceChecked(config: StackConfig, source: string, projectDir: string): StackConfig {
  const problems = restoreSourceProblems(config, projectDir);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return config;
}

/**
 * database.restore.from names a stack; when its stack file is in the same project, its repository
 * must be where this stack will look for it: the same node for a repository volume (mounted
 * read-only from that node), the same bucket and prefix for S3. A source stack file that is absent
 * or does not load is not judged here.
 */
export function restoreSourceProblems(config: StackConfig, projectDir: string): Problem[] {
  const restore = config.database.restore;
  if (!restore) return [];
  const file = stackFilePath(projectDir, restore.from);
  if (!fs.existsSync(file)) return [];
  let sourceConfig: StackConfig;
  try {
    // Its own restore (a chain of restored stacks) is its own business: not followed.
    sourceConfig = validatedFile(file);
  } catch {
    return [];
  }
  const here = s3RepositoryOf(config);
  const there = s3RepositoryOf(sourceConfig);
  const fromKey = "database.restore.from";
  const sourceFile = path.basename(file);
  const where = (s3: typeof here, stack: string) => (s3 ? `s3://${s3.bucket}${s3StackPath(s3, stack)} at ${s3.endpoint}` : "a repository volume");
  if (!here !== !there) {
    return [{ path: fromKey, message: `"${restore.from}" keeps its backups in ${where(there, restore.from)} (${sourceFile}), and this stack reads them from ${here ? "S3" : "a repository volume"}: use the same backups.repository.type as "${restore.from}"` }];
  }
  if (here && there && (here.bucket !== there.bucket || here.endpoint !== there.endpoint || here.prefix !== there.prefix)) {
    return [{ path: fromKey, message: `"${restore.from}" keeps its backups in ${where(there, restore.from)} (${sourceFile}), but this stack would read ${where(here, restore.from)}: use the same bucket, endpoint and path` }];
  }
  const sourceNode = repositoryNodeOf(sourceConfig);
  const node = repositoryNodeOf(config);
  if (!here && sourceNode !== node) {
    return [{ path: "backups.node", message: `"${restore.from}"'s repository volume is on node "${sourceNode}" (${sourceFile}), and this stack's repository mounts it from its own node, found "${node}": set backups.node: ${sourceNode}` }];
  }
  return [];
}



export function stackFilePath(projectDir: string, stack: string): string {
  return path.join(projectDir, `Pulumi.${stack}.yaml`);
}

/** The stack a `Pulumi.<stack>.yaml` file belongs to, if the name says. */
export function stackOfFile(file: string): string | undefined {
  return /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(file))?.[1];
}

/**
 * Reads `Pulumi.<stack>.yaml` as Pulumi does: YAML 1.2 with anchors, aliases and
 * merge keys (`<<: *base`), duplicate keys refused; readable errors for a
 * missing or malformed file.
 */
export function readStackFile(file: string): Record<string, unknown> {
  if (!fs.existsSync(file)) {
    throw new ConfigError(file, [{ path: "", message: "file not found" }]);
  }
  let document: unknown;
  try {
    document = YAML.parse(fs.readFileSync(file, "utf8"), { merge: true });
  } catch (error) {
    throw new ConfigError(file, [{ path: "", message: `not valid YAML: ${(error as Error).message}` }]);
  }
  const config = (document as { config?: unknown } | null)?.config ?? {};
  if (typeof config !== "object" || Array.isArray(config) || config === null) {
    throw new ConfigError(file, [{ path: "config", message: "expected a map of keys such as pgswarm:topology" }]);
  }
  return config as Record<string, unknown>;
}

function validatedFile(file: string): StackConfig {
  const { values, problems, secretKeys } = pgswarmValues(readStackFile(file), { bareKeys: "refused" });
  return validateStack(values, path.basename(file), { stack: stackOfFile(file), problems, secretKeys });
}

/** Stack values from a stack file on disk, checked against the stack file of the stack a restore reads, beside it. */
export function loadFromFile(file: string): StackConfig {
  return withRestoreSourceChecked(validatedFile(file), path.basename(file), path.dirname(file));
}
