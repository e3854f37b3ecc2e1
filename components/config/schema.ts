/**
 * The stack schema: the one description of a pgswarm stack. Every object is
 * strict (unknown keys are errors) and every default is the production-safe one.
 */
import { z } from "zod";
import { parseDurationMs, parseSizeBytes } from "./units";

/** A strict object whose unknown-key error lists what is allowed there. */
function strict<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? `unknown key; allowed here: ${allowed}` : undefined,
  });
}

const duration = z
  .string({ error: 'expected a duration such as "10s", "500ms" or "1m30s"' })
  .refine((text) => parseDurationMs(text) !== undefined, {
    error: 'expected a duration such as "10s", "500ms" or "1m30s" (units ms, s, m, h)',
  });

const size = z
  .string({ error: 'expected a size such as "16MB" or "1GiB"' })
  .refine((text) => parseSizeBytes(text) !== undefined, {
    error: 'expected a size such as "16MB" or "1GiB" (units B, kB, MB, GB, TB; binary multiples)',
  });

/** YAML 1.1 readers turn `on`/`off` into booleans; accept both spellings. */
const onOff = z
  .union([z.boolean(), z.enum(["on", "off"])], { error: 'expected "on" or "off"' })
  .transform((value) => value === true || value === "on");

export const SLOT = /^pgnode[1-9]$/;
const slotName = z.string().regex(SLOT, { error: "expected a DB slot name pgnode1 … pgnode9" });
const nodeRef = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, {
    error: "expected a Swarm node hostname or ID (or `self` for the node you deploy through)",
  });
const labelKey = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/, {
    error: "expected a label key of lower-case letters, digits, '.', '-' or '_'",
  })
  .refine((key) => !key.startsWith("pgswarm."), { error: "label keys starting with pgswarm. are pgswarm's own" });
const identifier = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: "expected a lower-case SQL identifier (letters, digits, _)" });
const image = z.string().min(1, { error: "expected an image reference such as registry.example.org/app:1.4" });
const port = z.number().int().min(1).max(65535, { error: "expected a port from 1 to 65535" });

const resources = strict({
  cpus: z.number().positive({ error: "expected a positive number of CPUs" }).optional(),
  memory: size.optional(),
});

const nodeSchema = strict({
  labels: z.record(labelKey, z.string().max(200)).default({}),
  backups: z.boolean({ error: "expected true or false" }).default(false),
});

const failoverSchema = strict({
  heartbeat: duration.default("500ms"),
  timeout: duration.default("3s"),
});

const routerSchema = strict({
  image: image.default("pgswarm/router:3.0"),
  replicas: z.number().int().min(1).max(9).default(2),
  checkInterval: duration.default("500ms"),
});

const settingValue = z.union([z.string(), z.number(), z.boolean()], {
  error: "expected a string, number or boolean",
});

const databaseSchema = strict({
  image: image.default("pgswarm/postgres:17"),
  nodes: z.number().int().min(1).max(9, { error: "expected 1 to 9 DB nodes" }).default(1),
  placement: z.record(slotName, nodeRef).default({}),
  witness: nodeRef.optional(),
  initialPrimary: slotName.default("pgnode1"),
  synchronous: z.enum(["off", "quorum"], { error: 'expected "off" or "quorum"' }).default("quorum"),
  walArchiving: onOff.default(true),
  replicaMaxLag: size.default("16MB"),
  failover: failoverSchema.default(failoverSchema.parse({})),
  resources: resources.default({}),
  settings: z.record(z.string().regex(/^[a-z_][a-z0-9_.]*$/, { error: "expected a PostgreSQL setting name" }), settingValue).default({}),
  name: identifier.default("app"),
  user: identifier.default("app"),
  router: routerSchema.default(routerSchema.parse({})),
});

const publishSchema = strict({
  port,
  target: port,
  protocol: z.enum(["tcp", "udp"]).default("tcp"),
  mode: z.enum(["ingress", "host"]).default("ingress"),
});

const healthcheckSchema = strict({
  command: z.array(z.string()).min(1, { error: "expected the command as a list, e.g. [curl, -f, http://localhost/]" }),
  interval: duration.default("10s"),
  timeout: duration.default("3s"),
  retries: z.number().int().min(1).default(3),
  startPeriod: duration.default("10s"),
});

const validRegex = z.string().refine(
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

const serviceName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,40}$/, { error: "expected a service name of lower-case letters, digits and '-'" });
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "expected an environment variable name" });

const serviceSchema = strict({
  image,
  replicas: z.number().int().min(0).max(100).default(1),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  env: z.record(envName, z.string()).default({}),
  publish: z.array(publishSchema).default([]),
  placement: z
    .array(z.string().regex(/^[\w.-]+\s*(==|!=)\s*\S+$/, { error: "expected a constraint such as node.labels.role == web" }))
    .default([]),
  database: z.enum(["rw", "ro", "split", "none"], { error: 'expected "rw", "ro", "split" or "none"' }).default("rw"),
  dbEnv: z.enum(["libpq", "geomapfish", "url"], { error: 'expected "libpq", "geomapfish" or "url"' }).default("libpq"),
  dbChooser: strict({ master: z.array(validRegex).default([]), slave: z.array(validRegex).default([]) }).optional(),
  healthcheck: healthcheckSchema.optional(),
  update: strict({ parallelism: z.number().int().min(1).default(1), delay: duration.default("5s") }).default({
    parallelism: 1,
    delay: "5s",
  }),
  resources: resources.default({}),
  /** The uid the container runs as: its credential files (mode 0400) are owned by it. */
  uid: z.number().int().min(0).default(0),
});

const cidr = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, { error: "expected an IPv4 CIDR such as 10.20.0.0/24" });

const networksSchema = strict({
  encrypted: z.boolean().default(true),
  dbSubnet: cidr.optional(),
  appSubnet: cidr.optional(),
});

const monitoringSchema = strict({
  /** A postgres_exporter per DB data member on the DB network (Prometheus scrapes tasks.<service>). */
  enabled: z.boolean({ error: "expected true or false" }).default(false),
  image: image.default("pgswarm/exporter:0.17"),
});

export const stackShape = {
  topology: z.enum(["standalone", "replicated", "read-split"], {
    error: 'expected "standalone", "replicated" or "read-split"',
  }),
  nodes: z.record(nodeRef, nodeSchema).default({}),
  database: databaseSchema.default(databaseSchema.parse({})),
  services: z.record(serviceName, serviceSchema).default({}),
  networks: networksSchema.default(networksSchema.parse({})),
  buildImages: z.boolean().default(false),
  monitoring: monitoringSchema.default(monitoringSchema.parse({})),
};

export const stackSchema = strict(stackShape);

export type StackConfig = z.output<typeof stackSchema>;
export type Topology = StackConfig["topology"];
export type DatabaseConfig = StackConfig["database"];
export type ServiceConfig = StackConfig["services"][string];
export type NodeConfig = StackConfig["nodes"][string];
export type Resources = DatabaseConfig["resources"];
export type MonitoringConfig = StackConfig["monitoring"];
