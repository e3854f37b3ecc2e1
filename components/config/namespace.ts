/**
 * Which keys of a Pulumi config map are pgswarm's, and the common mistakes
 * around them: a flat `pgswarm:database.nodes` key (what `pulumi config set`
 * writes without --path), a key without a namespace, a misspelt namespace, and
 * a secret value (pgswarm's settings end up in plain text in specs and files).
 */
import { editDistance } from "./pgValues";
import { S3_KEY_CONFIG } from "./backups";
import type { Problem } from "./rules";
import { TOP_LEVEL_KEYS } from "./schema";

export const NAMESPACE = "pgswarm";

export interface NamespacedValues {
  /** The `pgswarm:` keys, namespace stripped, without the values refused here. */
  values: Record<string, unknown>;
  problems: Problem[];
  /** The secret keys (S3_KEY_CONFIG) given, as secrets: their values never enter the stack config. */
  secretKeys: string[];
}

export interface KeyOptions {
  /** A stack file needs `namespace:name`; the mocks' config and older callers may omit pgswarm's. */
  bareKeys: "refused" | "ours";
  /** Whether the engine holds `pgswarm:<key>` as a secret (set with --secret). */
  isSecret?: (key: string) => boolean;
}

const SECRET_MESSAGE =
  "a secret value (pulumi config set --secret): pgswarm's settings are not secret, and this one would be written in plain " +
  "text into a service spec or a config file; keep secrets in Docker secrets";

const isSecure = (value: unknown): boolean =>
  !!value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;

/** Removes `{ secure: ... }` values (as a stack file on disk holds secrets) and reports each one's path. */
function withoutSecrets(value: unknown, path: string, problems: Problem[]): unknown {
  if (isSecure(value)) {
    problems.push({ path, message: SECRET_MESSAGE });
    return undefined;
  }
  if (Array.isArray(value)) return value.map((item, index) => withoutSecrets(item, `${path}[${index}]`, problems));
  if (value && typeof value === "object") {
    const kept: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      const cleaned = withoutSecrets(inner, `${path}.${key}`, problems);
      if (cleaned !== undefined) kept[key] = cleaned;
    }
    return kept;
  }
  return value;
}

const firstSegment = (name: string) => name.split(/[.[]/)[0];
const looksOurs = (name: string) => TOP_LEVEL_KEYS.includes(firstSegment(name));
const shownValue = (value: unknown) =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? JSON.stringify(value).replace(/^"(.*)"$/, "$1") : "<value>";

function flatKeyProblem(key: string, name: string, value: unknown): Problem {
  return {
    path: key,
    message:
      `a flat key named "${name}", which \`pulumi config set ${key}\` writes without --path; pgswarm reads ${firstSegment(name)} ` +
      `as a map. Remove it (pulumi config rm ${key}) and run \`pulumi config set --path '${key}' ${shownValue(value)}\``,
  };
}

/** The only pgswarm keys that are secrets: read by the program as Pulumi secrets, handed to containers as Docker secrets. */
export const SECRET_KEYS: readonly string[] = Object.values(S3_KEY_CONFIG);

export function pgswarmValues(flat: Record<string, unknown>, options: KeyOptions): NamespacedValues {
  const values: Record<string, unknown> = {};
  const problems: Problem[] = [];
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(flat)) {
    const colon = key.indexOf(":");
    if (colon < 0 && options.bareKeys === "refused") {
      problems.push({
        path: key,
        message: looksOurs(key)
          ? `a key without its namespace, which Pulumi refuses in a stack file: write ${NAMESPACE}:${key}`
          : "a key without its namespace, which Pulumi refuses in a stack file (namespace:name)",
      });
      continue;
    }
    const [namespace, name] = colon < 0 ? [NAMESPACE, key] : [key.slice(0, colon), key.slice(colon + 1)];
    if (namespace !== NAMESPACE) {
      if (editDistance(namespace.toLowerCase(), NAMESPACE) <= 2) {
        problems.push({ path: key, message: `"${namespace}" is not pgswarm's namespace, so pgswarm never reads this key; did you mean ${NAMESPACE}:${name}?` });
      }
      continue;
    }
    if (SECRET_KEYS.includes(name)) {
      // A stack file holds it as { secure: ... }; the engine decrypts it and says it is secret.
      if (isSecure(value) || options.isSecret?.(`${NAMESPACE}:${name}`)) secretKeys.push(name);
      else problems.push({ path: name, message: `a key in plain text: it must be a secret; run \`pulumi config set --secret ${NAMESPACE}:${name} <value>\`` });
      continue;
    }
    if (name !== firstSegment(name) && looksOurs(name)) {
      problems.push(flatKeyProblem(key, name, value));
      continue;
    }
    if (options.isSecret?.(`${NAMESPACE}:${name}`)) {
      problems.push({ path: name, message: SECRET_MESSAGE });
      continue;
    }
    const cleaned = withoutSecrets(value, name, problems);
    if (cleaned !== undefined) values[name] = cleaned;
  }
  return { values, problems, secretKeys };
}
