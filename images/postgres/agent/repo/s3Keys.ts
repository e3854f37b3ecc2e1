/**
 * An S3 repository's keys, from the Docker secrets mounted in the repository
 * service, into a pgBackRest include file on a tmpfs (mode 0600): pgBackRest
 * reads keys only from its config or its environment, and pgswarm puts no
 * secret in an environment or on a command line. Nothing when the secrets
 * are not mounted (a repository on its volume).
 */
import * as fs from "fs";
import * as path from "path";
import { PGBACKREST_INCLUDE_DIR, S3_KEY_FILES } from "../../../../components/contract";

export const S3_KEYS_INCLUDE = path.join(PGBACKREST_INCLUDE_DIR, "s3-keys.conf");

/** The include file's text; a key holding a control character would end its line early, so it is refused (not shown). */
export function renderS3KeysInclude(accessKey: string, secretKey: string): string {
  for (const [name, key] of [["access key", accessKey], ["secret key", secretKey]] as const) {
    if (key.length === 0 || /[\u0000-\u001f\u007f]/.test(key)) throw new Error(`the S3 ${name} secret is empty or holds a control character`);
  }
  return `[global]\nrepo1-s3-key=${accessKey}\nrepo1-s3-key-secret=${secretKey}\n`;
}

/** Writes the include file and points pgBackRest (this process's children) at it; false when there are no S3 keys. */
export function installS3Keys(
  files: { accessKey: string; secretKey: string } = S3_KEY_FILES,
  include = S3_KEYS_INCLUDE,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (!fs.existsSync(files.accessKey)) return false;
  const read = (file: string) => fs.readFileSync(file, "utf8").trim();
  const text = renderS3KeysInclude(read(files.accessKey), read(files.secretKey));
  fs.mkdirSync(path.dirname(include), { recursive: true, mode: 0o700 });
  fs.writeFileSync(include, text, { mode: 0o600 });
  fs.chmodSync(include, 0o600);
  env.PGBACKREST_CONFIG_INCLUDE_PATH = path.dirname(include);
  return true;
}
