/**
 * What Docker and Swarm accept for the names and strings a stack hands them:
 * image references (distribution/reference's grammar), node names, labels,
 * service names (swarmkit's DNS-component rule), placement constraints
 * (swarmkit's constraint parser) and the executable of a command. Each check
 * returns a message saying what is expected, or undefined when Docker would
 * accept the value. Pure, so every rule is tested directly.
 */

// distribution/reference (regexp.go): name [":" tag] ["@" digest]; path components are lower-case.
const ALPHANUMERIC = "[a-z0-9]+";
const SEPARATOR = "(?:[._]|__|[-]+)";
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6_HOST = "\\[(?:[a-fA-F0-9:]+)\\]";
const DOMAIN_AND_PORT = `(?:${DOMAIN_NAME}|${IPV6_HOST})(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN_AND_PORT}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}";
const IMAGE_REFERENCE = new RegExp(`^(${NAME})(?::${TAG})?(?:@${DIGEST})?$`);
/** distribution/reference's NameTotalLengthMax. */
const IMAGE_NAME_MAX = 255;

export const IMAGE_EXPECTED = "expected an image reference such as registry.example.org/app:1.4 (registry[:port]/path[:tag][@digest])";

export function imageReferenceProblem(reference: string): string | undefined {
  const match = IMAGE_REFERENCE.exec(reference);
  if (match) {
    return match[1].length > IMAGE_NAME_MAX ? `${IMAGE_EXPECTED} whose name is at most ${IMAGE_NAME_MAX} characters` : undefined;
  }
  // The most common slip: an upper-case repository path, which Docker refuses.
  const [name, ...rest] = reference.split(/(?=[:@][^/]*$)/);
  if (IMAGE_REFERENCE.test([name.toLowerCase(), ...rest].join(""))) {
    return `${IMAGE_EXPECTED}; the repository path must be lower-case`;
  }
  return IMAGE_EXPECTED;
}

// A Swarm node's hostname (RFC 1123 labels; Linux also allows '_') or its 25-character ID.
const HOST_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?";
const NODE_NAME = new RegExp(`^${HOST_LABEL}(?:\\.${HOST_LABEL})*$`);
export const NODE_EXPECTED = "expected a Swarm node's hostname or ID as `docker node ls` shows it (or self for the node you deploy through)";

export function nodeNameProblem(name: string): string | undefined {
  return NODE_NAME.test(name) && name.length <= 253 ? undefined : NODE_EXPECTED;
}

/** A node label key usable in a constraint (`node.labels.<key>`, swarmkit's key pattern). */
const LABEL_KEY = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
export const LABEL_KEY_EXPECTED = "expected a label key of letters, digits, '.', '-' or '_' (usable as node.labels.<key>)";
export const OWN_LABEL_PREFIX = "pgswarm.";

export function labelKeyProblem(key: string): string | undefined {
  if (!LABEL_KEY.test(key)) return LABEL_KEY_EXPECTED;
  if (key.length > 128) return `${LABEL_KEY_EXPECTED}, at most 128 characters`;
  if (key.startsWith(OWN_LABEL_PREFIX)) return `expected a label key of your own: keys starting with ${OWN_LABEL_PREFIX} are pgswarm's`;
  return undefined;
}

/**
 * Application service names: `<stack>_<name>` must be a DNS name component of
 * at most 63 characters (swarmkit's validateAnnotations), and the name alone is
 * the service's alias on the app network.
 */
const SERVICE_NAME = /^[a-z][a-z0-9]*(?:-+[a-z0-9]+)*$/;
export const DOCKER_NAME_MAX = 63;
const SWARM_DNS_NAME = /^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$/;
export const SERVICE_NAME_EXPECTED = "expected a service name of lower-case letters, digits and '-', starting with a letter and not ending with '-'";

export function serviceNameProblem(name: string): string | undefined {
  return SERVICE_NAME.test(name) && name.length <= 48 ? undefined : `${SERVICE_NAME_EXPECTED} (at most 48 characters)`;
}

/** Whether Swarm accepts a full service or network name such as `prod_web`. */
export function swarmNameProblem(fullName: string): string | undefined {
  if (!SWARM_DNS_NAME.test(fullName)) return `"${fullName}" is not a name Swarm accepts (letters, digits, '-' and '_' between them)`;
  if (fullName.length > DOCKER_NAME_MAX) return `"${fullName}" is ${fullName.length} characters; Swarm allows ${DOCKER_NAME_MAX}`;
  return undefined;
}

// swarmkit manager/constraint: the key pattern, the value pattern and the operators, in the order it tries them.
const CONSTRAINT_KEY = /^[a-z_][a-z0-9\-_.]+$/i;
const CONSTRAINT_VALUE = /^[a-z0-9:\-_\s.*()?+[\]\\^$|/]+$/i;
const CONSTRAINT_OPERATORS = ["==", "!="] as const;
const NODE_ATTRIBUTES = ["node.id", "node.hostname", "node.ip", "node.role", "node.platform.os", "node.platform.arch"];
const LABEL_ATTRIBUTES = ["node.labels.", "engine.labels."];
export const CONSTRAINT_EXPECTED =
  "expected a constraint such as node.labels.role == app (node.id, node.hostname, node.ip, node.role, node.platform.os, " +
  "node.platform.arch, node.labels.<key> or engine.labels.<key>, then == or !=, then a value)";

function isIpOrCidr(text: string): boolean {
  const ipv4 = /^(\d{1,3})(\.\d{1,3}){3}(\/\d{1,2})?$/;
  if (ipv4.test(text)) {
    const [address, prefix] = text.split("/");
    return address.split(".").every((octet) => Number(octet) <= 255) && (prefix === undefined || Number(prefix) <= 32);
  }
  return /^[0-9a-f:]+(\/\d{1,3})?$/i.test(text) && text.includes(":");
}

export function constraintProblem(constraint: string): string | undefined {
  const operator = CONSTRAINT_OPERATORS.find((candidate) => constraint.includes(candidate));
  if (!operator) return CONSTRAINT_EXPECTED;
  const [rawKey, rawValue] = [constraint.slice(0, constraint.indexOf(operator)), constraint.slice(constraint.indexOf(operator) + 2)];
  const key = rawKey.trim();
  const value = rawValue.trim();
  if (!CONSTRAINT_KEY.test(key)) return CONSTRAINT_EXPECTED;
  const attribute = key.toLowerCase();
  const isLabel = LABEL_ATTRIBUTES.some((prefix) => attribute.startsWith(prefix) && attribute.length > prefix.length);
  // Swarm accepts any key here, but one it does not know matches no node: the tasks would never start.
  if (!isLabel && !NODE_ATTRIBUTES.includes(attribute)) return `${CONSTRAINT_EXPECTED}; "${key}" matches no node`;
  if (!CONSTRAINT_VALUE.test(value)) return `${CONSTRAINT_EXPECTED}; the value may hold letters, digits, spaces and : - _ . * ( ) ? + [ ] \\ ^ $ | /`;
  if (attribute === "node.role" && !/^(manager|worker)$/i.test(value)) return `${CONSTRAINT_EXPECTED}; node.role is manager or worker`;
  if (attribute === "node.ip" && !isIpOrCidr(value)) return `${CONSTRAINT_EXPECTED}; node.ip takes an IP address or a CIDR`;
  return undefined;
}

/** Docker execs the first item of a command as a program: a shell line there is a program that does not exist. */
export const SHELL_FORMS = new Set(["CMD", "CMD-SHELL", "NONE"]);

export function executableProblem(command: string[]): string | undefined {
  const [first] = command;
  if (first === undefined || first === "") return "expected the program to run as the first item, e.g. [curl, -f, http://localhost/]";
  if (SHELL_FORMS.has(first)) {
    return `expected the program to run as the first item; pgswarm adds Docker's "CMD" itself (for a shell line use [sh, -c, "..."])`;
  }
  if (/\s/.test(first)) {
    return `expected the program alone as the first item, e.g. [curl, -f, http://localhost/]; for a shell line use [sh, -c, ${JSON.stringify(first)}]`;
  }
  return undefined;
}

/** Environment names: Docker takes anything without '=' or NUL; we keep to names a program can read. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function argumentProblem(argument: string): string | undefined {
  return argument.includes("\u0000") ? "expected text without NUL characters" : undefined;
}
