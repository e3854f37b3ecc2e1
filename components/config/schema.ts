/**
 * The stack schema: the one description of a pgswarm stack. Every object is
 * strict (unknown keys are errors) and every default is the production-safe one.
 * Rules that span several keys live in rules.ts and settingsRules.ts.
 */
import { z } from "zod";
import {
  argumentProblem,
  constraintProblem,
  ENV_NAME,
  executableProblem,
  imageReferenceProblem,
  labelKeyProblem,
  nodeNameProblem,
  serviceNameProblem,
} from "./docker";
import { cronProblem } from "../cron";
import { REPOSITORY_TYPES, restoreTimeProblem, S3_REGION, s3BucketProblem, s3EndpointProblem, s3PathProblem, stackNameProblem } from "./backups";
import { subnetProblem } from "./network";
import {
  databaseNameProblem,
  LIBRARY_NAME,
  LIBRARY_NAME_EXPECTED,
  roleNameProblem,
  SETTING_NAME,
  SETTING_NAME_EXPECTED,
} from "./postgresNames";
import {
  boolean,
  CONTROL_CHARACTER,
  decimal,
  duration,
  integer,
  listOf,
  mapOf,
  onOff,
  oneOf,
  pattern,
  scalarText,
  size,
  strict,
} from "./primitives";

/** A string checked by a function that returns what is expected, or undefined when it is fine. */
function checked(what: string, problem: (value: string) => string | undefined) {
  return z.string({ error: `expected ${what}` }).superRefine((value, ctx) => {
    const message = problem(value);
    if (message) ctx.addIssue({ code: "custom", input: value, message });
  });
}

const MB = 1024 ** 2;
const TB = 1024 ** 4;

export const SLOT = /^pgnode[1-9]$/;
const slotName = pattern(SLOT, "expected a DB slot name pgnode1 … pgnode9");
const nodeName = checked("a Swarm node name", nodeNameProblem);
const labelKey = checked("a label key", labelKeyProblem);
const image = checked("an image reference such as registry.example.org/app:1.4", imageReferenceProblem);

/** Docker's smallest memory limit is 6 MiB; CPUs are counted in hundredths at the least. */
const resources = strict({
  cpus: decimal(0.01, 1024, "a number of CPUs").optional(),
  memory: size({ min: 6 * MB }).optional(),
});

const nodeSchema = strict({
  labels: mapOf(labelKey, scalarText("a label value", { maxLength: 1024 }), "a map of label keys to values").prefault({}),
  backups: boolean().default(false),
});

/**
 * The member agent's timing. heartbeat: how often the primary renews its lease
 * with the other members. timeout: how long the primary may go unheard before
 * an election (and how long its lease lasts); at least 4 heartbeats (rules.ts).
 */
export const HEARTBEAT = { min: 100, max: 5000, default: "500ms" } as const;
export const FAILOVER_TIMEOUT = { max: 60_000, heartbeats: 4, default: "3s" } as const;
const failoverSchema = strict({
  heartbeat: duration({ min: HEARTBEAT.min, max: HEARTBEAT.max }).default(HEARTBEAT.default),
  timeout: duration({ min: HEARTBEAT.min * FAILOVER_TIMEOUT.heartbeats, max: FAILOVER_TIMEOUT.max }).default(FAILOVER_TIMEOUT.default),
  /**
   * The whole-cluster cold-start override: when a majority of the members is lost
   * for good, this data member leads on its own vote. Remove it once the others are back.
   */
  forcePrimary: z.string().optional(),
});

/** Keys a stack file may still carry from an earlier pgswarm, and what replaces them. */
export const RETIRED_KEYS: Record<string, string> = {
  "database.failover.monitorInterval":
    "repmgrd's monitor interval is gone: set database.failover.heartbeat, how often the primary renews its lease (default 500ms)",
  "database.failover.reconnectAttempts":
    "repmgrd's reconnect settings are gone: set database.failover.timeout, how long the primary may go unheard before an election (default 3s)",
  "database.failover.reconnectInterval":
    "repmgrd's reconnect settings are gone: set database.failover.timeout, how long the primary may go unheard before an election (default 3s)",
};

const routerSchema = strict({
  image: image.default("pgswarm/router:3.0"),
  replicas: integer(1, 9).default(2),
  checkInterval: duration({ min: 100, max: 10_000 }).default("500ms"),
});

export type SettingValue = string | number | boolean;
const settingValue = z.custom<SettingValue>(
  (value) =>
    (typeof value === "string" && !CONTROL_CHARACTER.test(value)) ||
    (typeof value === "number" && Number.isFinite(value)) ||
    typeof value === "boolean",
  {
    error: (issue) =>
      typeof issue.input === "string"
        ? "expected a value without control characters (newline, tab, NUL...): postgresql.conf cannot hold them"
        : "expected a string, number or boolean",
  },
);

const databaseSchema = strict({
  image: image.default("pgswarm/postgres:17"),
  nodes: integer(1, 9).default(1),
  placement: mapOf(slotName, nodeName, "a map of slots (pgnode1 …) to Swarm nodes").prefault({}),
  witness: nodeName.optional(),
  initialPrimary: slotName.default("pgnode1"),
  synchronous: oneOf(["off", "quorum"]).default("quorum"),
  walArchiving: onOff().default(true),
  replicaMaxLag: size({ max: TB }).default("16MB"),
  failover: failoverSchema.prefault({}),
  resources: resources.prefault({}),
  settings: mapOf(pattern(SETTING_NAME, SETTING_NAME_EXPECTED), settingValue, "a map of PostgreSQL settings").prefault({}),
  /** Loaded after what pgswarm preloads itself (repmgr in replicated and read-split). */
  preloadLibraries: listOf(pattern(LIBRARY_NAME, LIBRARY_NAME_EXPECTED), "a list of library names").default([]),
  name: checked("a database name", databaseNameProblem).default("app"),
  user: checked("a role name", roleNameProblem).default("app"),
  /** The read-only role of the read side; readUserOf gives its default, `<user>_ro`. */
  readUser: checked("a role name", roleNameProblem).optional(),
  /**
   * Rotates the applications' passwords, one step per `pulumi up` (loginSlots.ts): odd steps
   * replace the idle slot's password, even steps switch the applications to it.
   */
  credentialsRotation: integer(0, 1_000_000).default(0),
  router: routerSchema.prefault({}),
  /**
   * Bootstrap a new cluster from another stack's backups (point-in-time restore)
   * instead of initdb. Only an empty cluster restores: members with data ignore it.
   */
  restore: strict({
    from: checked("a stack name", stackNameProblem),
    time: checked('"latest" or a time with its zone, e.g. 2026-11-26T03:00:00Z', restoreTimeProblem).default("latest"),
  }).optional(),
});

/** The suffix of database.readUser's default: `<database.user>_ro`. */
export const READ_USER_SUFFIX = "_ro";

/** The read-only role: database.readUser, or `<database.user>_ro`. */
export const readUserOf = (database: { user: string; readUser?: string }) => database.readUser ?? `${database.user}${READ_USER_SUFFIX}`;

const port = integer(1, 65535);
const publishSchema = strict({
  port,
  target: port,
  protocol: oneOf(["tcp", "udp", "sctp"]).default("tcp"),
  mode: oneOf(["ingress", "host"]).default("ingress"),
});

const argument = checked("text", argumentProblem);
/** A command Docker execs: the program first, then its arguments. */
const command = listOf(argument, "a list such as [app, worker]").superRefine((items, ctx) => {
  const message = items.length > 0 ? executableProblem(items) : undefined;
  if (message) ctx.addIssue({ code: "custom", input: items[0], path: [0], message });
  items.forEach((item, index) => {
    if (index > 0 && item === "") ctx.addIssue({ code: "custom", input: item, path: [index], message: "expected a non-empty argument" });
  });
});

/** Docker takes 0 (the image's own) or at least 1ms for each of these. */
const healthDuration = duration({ min: 1, zeroAllowed: true });
const healthcheckSchema = strict({
  command: command.refine((items) => items.length > 0, { error: "expected the command as a list, e.g. [curl, -f, http://localhost/]" }),
  interval: healthDuration.default("10s"),
  timeout: healthDuration.default("3s"),
  retries: integer(1, 100).default(3),
  startPeriod: healthDuration.default("10s"),
});

const validRegex = z.string({ error: "expected a regular expression" }).refine(
  (text) => {
    try {
      new RegExp(text);
      return true;
    } catch {
      return false;
    }
  },
  { error: "expected a valid regular expression" },
);

/** services.<name>.readYourWrites: 0s (off), or 100ms to 10m; 2s unless set. */
export const READ_YOUR_WRITES = { min: 100, max: 600_000, default: "2s" } as const;
export const readYourWritesOf = (service: { readYourWrites?: string }) => service.readYourWrites ?? READ_YOUR_WRITES.default;

const envValue = scalarText("an environment value (text)", { nulOnly: true });

const serviceSchema = strict({
  image,
  replicas: integer(0, 100).default(1),
  command: command.optional(),
  args: listOf(argument, "a list of arguments").optional(),
  env: mapOf(pattern(ENV_NAME, "expected an environment variable name such as LOG_LEVEL"), envValue, "a map of variables").prefault({}),
  publish: listOf(publishSchema, "a list of { port, target }").default([]),
  placement: listOf(checked("a placement constraint", constraintProblem), "a list of constraints such as node.labels.role == app").default([]),
  database: oneOf(["rw", "ro", "split", "none"]).default("rw"),
  dbEnv: oneOf(["libpq", "geomapfish", "url"]).default("libpq"),
  /**
   * split only: after a client writes, its reads go to the write side this long
   * (PGSWARM_READ_YOUR_WRITES); 0s switches it off. readYourWritesOf gives the default.
   */
  readYourWrites: duration({ min: READ_YOUR_WRITES.min, max: READ_YOUR_WRITES.max, zeroAllowed: true }).optional(),
  dbChooser: strict({
    master: listOf(validRegex, "a list of regular expressions").default([]),
    slave: listOf(validRegex, "a list of regular expressions").default([]),
  }).optional(),
  healthcheck: healthcheckSchema.optional(),
  update: strict({ parallelism: integer(0, 100).default(1), delay: duration().default("5s") }).prefault({}),
  resources: resources.prefault({}),
  /** The uid the container runs as: its credential files (mode 0400) are owned by it. */
  uid: integer(0, 2147483647).default(0),
});

const subnet = checked("an IPv4 subnet", subnetProblem);
const networksSchema = strict({
  encrypted: boolean().default(true),
  dbSubnet: subnet.optional(),
  appSubnet: subnet.optional(),
});

const monitoringSchema = strict({
  /** A postgres_exporter per DB data member on the DB network (Prometheus scrapes tasks.<service>). */
  enabled: boolean().default(false),
  image: image.default("pgswarm/exporter:0.17"),
});

const cron = checked("a cron expression", cronProblem);

/** Full backups weekly, differential ones on the other days, dumps nightly: what an operator would set first. */
export const BACKUP_DEFAULTS = { full: "0 3 * * 0", diff: "0 3 * * 1-6", dumps: "30 2 * * *", retentionFull: 2, dumpsKept: 7 } as const;
const backupsSchema = strict({
  /** The node that holds the repository (a node with backups: true); repositoryNodeOf gives the default. */
  node: nodeName.optional(),
  /**
   * Where the backups and the WAL archive are kept. service: the repository service's own volume on
   * the backups node. s3: an S3-compatible object store, written by that same service (members
   * still archive to it over TLS), its keys the secrets pgswarm:s3AccessKey and pgswarm:s3SecretKey.
   */
  repository: strict({
    type: oneOf(REPOSITORY_TYPES).default("service"),
    bucket: checked("an S3 bucket name", s3BucketProblem).optional(),
    /** The service's host name, without a scheme, with an optional port: s3.eu-central-1.amazonaws.com, minio.example.org:9000. */
    endpoint: checked("an S3 endpoint", s3EndpointProblem).optional(),
    region: pattern(S3_REGION, "expected an S3 region such as eu-central-1 or us-east-1 (letters, digits and '-')").optional(),
    /** The prefix in the bucket; the stack's repository is <path>/<stack>, so stacks share a bucket and restore from each other. */
    path: checked("a path in the bucket", s3PathProblem).optional(),
    /** host (bucket.endpoint, AWS) or path (endpoint/bucket, what MinIO and most self-hosted stores want). */
    uriStyle: oneOf(["host", "path"]).optional(),
    /** Verify the store's TLS certificate (pgBackRest speaks only HTTPS to S3). */
    verifyTls: boolean().optional(),
  }).prefault({}),
  /** Cron expressions, UTC; diff "off" takes none. */
  schedule: strict({
    full: cron.default(BACKUP_DEFAULTS.full),
    diff: z.union([z.literal("off"), cron]).default(BACKUP_DEFAULTS.diff),
  }).prefault({}),
  /** Full backups kept; older ones expire with the WAL only they need. */
  retention: strict({ full: integer(1, 1000).default(BACKUP_DEFAULTS.retentionFull) }).prefault({}),
  /** pg_dump -Fc of the application database from the read side, kept by count. */
  dumps: strict({
    schedule: z.union([z.literal("off"), cron]).default(BACKUP_DEFAULTS.dumps),
    keep: integer(1, 1000).default(BACKUP_DEFAULTS.dumpsKept),
  }).prefault({}),
});

export const stackShape = {
  topology: oneOf(["standalone", "replicated", "read-split"]),
  nodes: mapOf(nodeName, nodeSchema, "a map of Swarm nodes").prefault({}),
  database: databaseSchema.prefault({}),
  services: mapOf(checked("a service name", serviceNameProblem), serviceSchema, "a map of application services").prefault({}),
  networks: networksSchema.prefault({}),
  buildImages: boolean().default(false),
  monitoring: monitoringSchema.prefault({}),
  backups: backupsSchema.prefault({}),
};

export const stackSchema = strict(stackShape);
export const TOP_LEVEL_KEYS = Object.keys(stackShape);

export type StackConfig = z.output<typeof stackSchema>;
export type Topology = StackConfig["topology"];
export type DatabaseConfig = StackConfig["database"];
export type ServiceConfig = StackConfig["services"][string];
export type NodeConfig = StackConfig["nodes"][string];
export type Resources = DatabaseConfig["resources"];
export type MonitoringConfig = StackConfig["monitoring"];
export type BackupsConfig = StackConfig["backups"];
