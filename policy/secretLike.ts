/**
 * What looks like a secret in a name or a value. Pure: the policies and their
 * tests share it. File references (`*_FILE`, absolute paths) are how pgswarm
 * passes secrets, so they never count.
 */
const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|PRIVATE[_.-]?KEY|API[_.-]?KEY|ACCESS[_.-]?KEY)/i;
const FILE_REFERENCE_NAME = /[_.-](FILE|PATH)$/i;

const SECRET_VALUES: Array<{ pattern: RegExp; what: string }> = [
  { pattern: /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, what: "a URL with a password in it" },
  { pattern: /\bpassword\s*=\s*[^\s'"]/i, what: "a connection string with a password" },
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: "a private key" },
  { pattern: /\bAKIA[0-9A-Z]{16}\b/, what: "an AWS access key" },
  { pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/, what: "a GitHub token" },
];

/** Why `name=value` looks like a secret in plain sight, or undefined when it does not. */
export function secretLikeReason(name: string, value: string): string | undefined {
  for (const { pattern, what } of SECRET_VALUES) {
    if (pattern.test(value)) return `its value is ${what}`;
  }
  const isFileReference = FILE_REFERENCE_NAME.test(name) || value.startsWith("/") || value === "";
  if (SECRET_NAME.test(name) && !isFileReference) return "its name says it holds a secret";
  return undefined;
}
