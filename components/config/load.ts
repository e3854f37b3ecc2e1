/**
 * Where stack values come from: the Pulumi engine's config (under `pulumi up`
 * and the mocks) or a `Pulumi.<stack>.yaml` file read directly (offline tools).
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { ConfigError, validateStack } from "./validate";
import type { StackConfig } from "./schema";

export const NAMESPACE = "pgswarm";

/** The `pgswarm:` keys of a flat Pulumi config map, namespace stripped. */
export function pgswarmValues(flat: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    const [namespace, name] = key.includes(":") ? key.split(":", 2) : [NAMESPACE, key];
    if (namespace === NAMESPACE) values[name] = value;
  }
  return values;
}

/** The engine hands structured values over as JSON text. */
function decodeEngineValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Stack values as the Pulumi engine (or its mocks) provides them. */
export function loadFromEngine(allConfig: Record<string, string>, stack: string): StackConfig {
  const flat = Object.fromEntries(Object.entries(allConfig).map(([key, value]) => [key, decodeEngineValue(value)]));
  return validateStack(pgswarmValues(flat), `stack "${stack}" config`);
}

export function stackFilePath(projectDir: string, stack: string): string {
  return path.join(projectDir, `Pulumi.${stack}.yaml`);
}

/** Reads `Pulumi.<stack>.yaml` as Pulumi does (YAML 1.2), with readable errors for a missing or malformed file. */
export function readStackFile(file: string): Record<string, unknown> {
  if (!fs.existsSync(file)) {
    throw new ConfigError(file, [{ path: "", message: "file not found" }]);
  }
  let document: unknown;
  try {
    document = YAML.parse(fs.readFileSync(file, "utf8"));
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
  return validateStack(pgswarmValues(readStackFile(file)), path.basename(file));
}
