/**
 * Rules that span several keys of a stack. Each returns problems with the key
 * path to fix, so one run of check-config tells the user everything at once.
 */
import { defaultDbSubnet, serviceName } from "../names";
import { backupRules } from "./backups";
import { swarmNameProblem } from "./docker";
import { formatSubnet, overlaps, parseSubnet } from "./network";
import { roleNameProblem } from "./postgresNames";
import { FAILOVER_TIMEOUT, READ_USER_SUFFIX, readUserOf, type StackConfig } from "./schema";
import { SLOT_ROLE_SUFFIX, slotRole } from "./loginSlots";
import { settingProblems } from "./settingsRules";
import { parseDurationMs } from "./units";

export interface Problem {
  path: string;
  message: string;
}

/** Names an application service may not take: they are the database's own. */
const RESERVED_SERVICE_NAMES = /^(pgnode[1-9]|pgwitness|db|db-rw|db-ro|router)$/;

/** Environment names pgswarm hands to applications; a service must not set them itself. */
const DB_ENV_NAMES =
  /^(PG(HOST|PORT|DATABASE|USER|PASSFILE|PASSWORD(_FILE)?)(_RO|_SLAVE)?|PGPASSWORD_SLAVE(_FILE)?|DATABASE_(URL|READ_URL|PASSWORD_FILE|READ_PASSWORD_FILE)|PGSWARM_.*)$/;

/** Variables of the PGSWARM_ family that a stack sets itself: the demo app's read-only maintenance switch. */
const APP_SWITCHES = new Set(["PGSWARM_READ_ONLY"]);

/** Secrets never travel in an environment value: they show in `docker inspect`. */
const SECRET_LIKE_ENV = /(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY)(?!.*_FILE$)/i;

export function slotsOf(config: StackConfig): string[] {
  return Array.from({ length: config.database.nodes }, (_, index) => `pgnode${index + 1}`);
}

function topologyRules(config: StackConfig): Problem[] {
  const { topology, database } = config;
  const problems: Problem[] = [];
  if (topology === "standalone" && database.nodes !== 1) {
    problems.push({
      path: "database.nodes",
      message: `standalone runs exactly 1 DB node (got ${database.nodes}); choose topology replicated or read-split for standbys`,
    });
  }
  if (topology !== "standalone" && database.nodes < 2) {
    problems.push({
      path: "database.nodes",
      message: `${topology} needs at least 2 DB nodes, a primary and ${topology === "read-split" ? "a replica to read from" : "a standby"} (got ${database.nodes}; 3 recommended)`,
    });
  }
  if (topology !== "standalone" && database.nodes === 2 && !database.witness) {
    problems.push({
      path: "database.witness",
      message: "2 DB nodes need a witness on a third Swarm node, or one side could promote itself during a network split; name that node here, or use 3 DB nodes",
    });
  }
  if (topology === "standalone" && database.witness) {
    problems.push({ path: "database.witness", message: "a witness only makes sense with replicated or read-split" });
  }
  return problems;
}

function placementRules(config: StackConfig): Problem[] {
  const { database, nodes } = config;
  const slots = slotsOf(config);
  const problems: Problem[] = [];
  const slotOnNode = new Map<string, string>();

  for (const slot of slots) {
    const node = database.placement[slot];
    const path = `database.placement.${slot}`;
    if (!node) {
      problems.push({ path, message: `${slot} needs a Swarm node (one of: ${Object.keys(nodes).join(", ") || "none declared under nodes"})` });
      continue;
    }
    if (!nodes[node]) {
      problems.push({ path, message: `node "${node}" is not declared under nodes` });
      continue;
    }
    const taken = slotOnNode.get(node);
    if (taken) {
      problems.push({
        path,
        message: `node "${node}" already carries ${taken}; two DB slots on one node share its disk and fail together, so give each slot its own node`,
      });
      continue;
    }
    slotOnNode.set(node, slot);
    if (!nodes[node].backups) {
      problems.push({
        path: `nodes.${node}.backups`,
        message: `"${node}" carries ${slot}, so it must be a node with backups configured (backups: true); the database may become primary on any DB node`,
      });
    }
  }
  for (const slot of Object.keys(database.placement)) {
    if (!slots.includes(slot)) {
      problems.push({
        path: `database.placement.${slot}`,
        message: `database.nodes is ${database.nodes}, so the slots are ${slots.join(", ")}`,
      });
    }
  }
  if (!slots.includes(database.initialPrimary)) {
    problems.push({ path: "database.initialPrimary", message: `expected one of ${slots.join(", ")}` });
  }
  if (database.witness) {
    if (!nodes[database.witness]) {
      problems.push({ path: "database.witness", message: `node "${database.witness}" is not declared under nodes` });
    } else if (slotOnNode.has(database.witness)) {
      problems.push({
        path: "database.witness",
        message: `node "${database.witness}" already carries ${slotOnNode.get(database.witness)}; the witness needs a node of its own`,
      });
    }
  }
  return problems;
}

function serviceRules(config: StackConfig): Problem[] {
  const problems: Problem[] = [];
  const publishedBy = new Map<string, string>();
  for (const [name, service] of Object.entries(config.services)) {
    const at = `services.${name}`;
    if (RESERVED_SERVICE_NAMES.test(name)) {
      problems.push({ path: at, message: `"${name}" is the name of a database service or endpoint; choose another` });
    }
    if ((service.database === "ro" || service.database === "split") && config.topology !== "read-split") {
      problems.push({
        path: `${at}.database`,
        message: `"${service.database}" needs a read endpoint (db-ro), which only topology read-split has; with ${config.topology} use "rw" or "none"`,
      });
    }
    if (service.dbChooser && service.database !== "split") {
      problems.push({ path: `${at}.dbChooser`, message: 'dbChooser overrides the read/write split, so it needs database: "split"' });
    }
    if (service.readYourWrites !== undefined && service.database !== "split") {
      problems.push({
        path: `${at}.readYourWrites`,
        message: `sends a client's reads to the write side for a while after it writes, so it needs database: "split", found database: "${service.database}"`,
      });
    }
    for (const key of Object.keys(service.env)) {
      if (DB_ENV_NAMES.test(key) && !APP_SWITCHES.has(key)) {
        problems.push({ path: `${at}.env.${key}`, message: "pgswarm sets this variable from the database settings; remove it" });
      } else if (SECRET_LIKE_ENV.test(key)) {
        problems.push({
          path: `${at}.env.${key}`,
          message: "secrets must not be environment values (docker inspect shows them); pass a Docker secret file and a *_FILE variable",
        });
      }
    }
    service.publish.forEach((published, index) => {
      const key = `${published.port}/${published.protocol}`;
      const owner = publishedBy.get(key);
      if (owner) {
        problems.push({
          path: `${at}.publish[${index}].port`,
          message: `port ${key} is already published by ${owner}; each published port can be used once`,
        });
      } else {
        publishedBy.set(key, `services.${name}.publish[${index}]`);
      }
    });
  }
  return problems;
}

/** The read-only role: never the application's own, and a name PostgreSQL takes even when derived. */
function roleRules(config: StackConfig): Problem[] {
  const { user, readUser } = config.database;
  const reader = readUserOf(config.database);
  if (reader === user) {
    return [
      {
        path: "database.readUser",
        message: `expected a role other than database.user: the read side must not be able to write, found the string ${JSON.stringify(reader)}`,
      },
    ];
  }
  const problem = readUser === undefined ? roleNameProblem(reader) : undefined;
  if (problem) {
    return [
      {
        path: "database.readUser",
        message: `its default, database.user followed by ${READ_USER_SUFFIX} (${JSON.stringify(reader)}), is refused: ${problem}; set database.readUser`,
      },
    ];
  }
  return slotRoleRules(user, reader);
}

/** Each login's second slot (`<role>_b`, loginSlots.ts) is a role too: a valid name, and no other login's. */
function slotRoleRules(user: string, reader: string): Problem[] {
  const logins = [
    { path: "database.user", role: user },
    { path: "database.readUser", role: reader },
  ];
  const problems: Problem[] = [];
  for (const { path, role } of logins) {
    const second = slotRole(role, 1);
    const problem = roleNameProblem(second);
    if (problem) {
      problems.push({ path, message: `expected a role whose rotation slot ${JSON.stringify(second)} is a valid role name too (at most ${63 - SLOT_ROLE_SUFFIX.length} characters), found ${JSON.stringify(role)}: ${problem}` });
    }
    const other = logins.find((login) => login.role !== role && slotRole(login.role, 1) === role);
    if (other) {
      problems.push({ path, message: `expected a role other than ${other.path}'s rotation slot ${JSON.stringify(role)}, found the string ${JSON.stringify(role)}` });
    }
  }
  return problems;
}

function failoverRules(config: StackConfig): Problem[] {
  const { heartbeat, timeout, forcePrimary } = config.database.failover;
  const heartbeatMs = parseDurationMs(heartbeat)!;
  const timeoutMs = parseDurationMs(timeout)!;
  const problems: Problem[] = [];
  if (timeoutMs < heartbeatMs * FAILOVER_TIMEOUT.heartbeats) {
    problems.push({
      path: "database.failover.timeout",
      message:
        `expected at least ${FAILOVER_TIMEOUT.heartbeats} heartbeats (${FAILOVER_TIMEOUT.heartbeats} × ${heartbeat}), found ${timeout}: ` +
        "a primary that misses one renewal must not lose its lease",
    });
  }
  if (forcePrimary !== undefined) {
    const dataMembers = Array.from({ length: config.database.nodes }, (_, index) => `pgnode${index + 1}`);
    if (config.topology === "standalone") {
      problems.push({ path: "database.failover.forcePrimary", message: "the cold-start override only applies to replicated and read-split (standalone has one member)" });
    } else if (!dataMembers.includes(forcePrimary)) {
      problems.push({
        path: "database.failover.forcePrimary",
        message: `expected one of this stack's data members (${dataMembers.join(", ")}), found ${JSON.stringify(forcePrimary)}`,
      });
    }
  }
  return problems;
}

function networkRules(config: StackConfig, stack?: string): Problem[] {
  const { dbSubnet, appSubnet } = config.networks;
  const db = parseSubnet(dbSubnet ?? (stack ? defaultDbSubnet(stack) : ""));
  const app = appSubnet ? parseSubnet(appSubnet) : undefined;
  if (!db || !app || !overlaps(db, app)) return [];
  const which = dbSubnet ? "networks.dbSubnet" : `the DB network's default subnet for stack "${stack}"`;
  return [{ path: "networks.appSubnet", message: `${appSubnet} overlaps ${which} (${formatSubnet(db)}); the two networks need separate ranges` }];
}

/** Docker names derive from the stack's name: `<stack>_pgwitness`, `<stack>_<service>`. */
function stackNameRules(config: StackConfig, stack: string): Problem[] {
  const own = swarmNameProblem(serviceName(stack, "pgwitness"));
  if (own) return [{ path: "", message: `the stack name "${stack}" gives Docker names Swarm refuses: ${own}` }];
  return Object.keys(config.services).flatMap((name) => {
    const problem = swarmNameProblem(serviceName(stack, name));
    return problem ? [{ path: `services.${name}`, message: `expected a shorter service name: ${problem}` }] : [];
  });
}

/** Every cross-key problem in a stack that already matches the schema. */
export function crossKeyProblems(config: StackConfig, stack?: string, secretKeys?: string[]): Problem[] {
  return [
    ...topologyRules(config),
    ...placementRules(config),
    ...failoverRules(config),
    ...roleRules(config),
    ...settingProblems(config),
    ...serviceRules(config),
    ...networkRules(config, stack),
    ...backupRules(config, stack, secretKeys),
    ...(stack === undefined ? [] : stackNameRules(config, stack)),
  ];
}
