/**
 * Where stack values come from: the Pulumi engine's config (under `pulumi up`
 * and the mocks) or a `Pulumi.<stack>.yaml` file read directly (offline tools).
 * Both go through the same key checks and the same validation.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { pgswarmValues } from "./namespace";
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

/** Stack values as the Pulumi engine (or its mocks) provides them. */
export function loadFromEngine(allConfig: Record<string, string>, stack: string, isSecret?: (key: string) => boolean): StackConfig {
  const flat = Object.fromEntries(Object.entries(allConfig).map(([key, value]) => [key, decodeEngineValue(value)]));
  const { values, problems, secretKeys } = pgswarmValues(flat, { bareKeys: "ours", isSecret });
  return validateStack(values, `stack "${stack}" config`, { stack, problems, secretKeys });
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

/** Stack values from a stack file on disk. */
export function loadFromFile(file: string): StackConfig {
  const { values, problems, secretKeys } = pgswarmValues(readStackFile(file), { bareKeys: "refused" });
  return validateStack(values, path.basename(file), { stack: stackOfFile(file), problems, secretKeys });
}
