/** A valid stack is never refused: the example stacks, as files and as the engine hands them over, and variants of them. */
import { ConfigError, loadFromEngine, loadFromFile, readStackFile, stackFilePath, validateStack } from "../../../components/config";
import { engineConfig } from "../../../tools/lib/mockRun";
import { PROJECT_DIR } from "../../helpers/stacks";
import { edited, readSplit, standalone } from "./fixtures";

/** The problems reported for a stack that should be valid: [] when it is accepted (a failure shows them all). */
function refusals(raw: unknown, stack?: string): unknown[] {
  try {
    validateStack(raw, "test", { stack });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe.each(["dev", "staging", "prod"])("Pulumi.%s.yaml", (stack) => {
  const file = stackFilePath(PROJECT_DIR, stack);

  it("is valid", () => {
    expect(loadFromFile(file).topology).toBe({ dev: "standalone", staging: "replicated", prod: "read-split" }[stack]);
  });

  it("reads the same through the engine, where every top-level value arrives as text", () => {
    const fromEngine = loadFromEngine(engineConfig(readStackFile(file)), stack);
    expect(fromEngine).toEqual(loadFromFile(file));
  });
});

const variants: Array<[string, () => any]> = [
  ["replicated on 2 nodes with a witness", () => edited(readSplit, (r) => {
    r.topology = "replicated";
    r.services.web.database = "rw";
    r.nodes.w = {};
    r.database = { nodes: 2, witness: "w", placement: { pgnode1: "db-a", pgnode2: "db-b" } };
  })],
  ["9 DB nodes", () => edited(readSplit, (r) => {
    for (let n = 1; n <= 9; n++) r.nodes[`db-${n}`] = { backups: true };
    r.database = { nodes: 9, placement: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`pgnode${i + 1}`, `db-${i + 1}`])), initialPrimary: "pgnode9" };
  })],
  ["archiving and synchronous replication off", () => edited(readSplit, (r) => Object.assign(r.database, { walArchiving: "off", synchronous: "off" }))],
  ["numbers and booleans written as text", () => edited(readSplit, (r) => {
    r.database.nodes = "3";
    r.nodes["db-a"].backups = "true";
    r.services.web.replicas = "0";
    r.services.web.publish = [{ port: "443", target: "8443", protocol: "tcp", mode: "host" }];
  })],
  ["empty values where defaults apply", () => edited(readSplit, (r) => {
    r.nodes["app-2"] = null;
    r.database.settings = null;
    r.services.web.env = null;
    r.networks = null;
  })],
  ["overrides of pgswarm's default settings, logical decoding and extension settings", () => edited(readSplit, (r) => {
    r.database.settings = {
      max_wal_senders: 16,
      max_replication_slots: "16",
      wal_keep_size: "1GB",
      archive_timeout: "5min",
      tcp_keepalives_idle: 60,
      log_connections: true,
      log_line_prefix: "%t [%p]: user=%u,db=%d,app=%a,client=%h ",
      wal_level: "logical",
      shared_buffers: "4GB",
      statement_timeout: "30s",
      "pg_stat_statements.max": 10000,
      search_path: '"$user", public',
    };
    r.database.preloadLibraries = ["pg_stat_statements", "auto_explain"];
  })],
  ["the fastest failover timing and router checks", () => edited(readSplit, (r) => {
    r.database.failover = { heartbeat: "100ms", timeout: "400ms" };
    r.database.router = { checkInterval: "100ms", replicas: 9 };
  })],
  ["the slowest failover timing", () => edited(readSplit, (r) => (r.database.failover = { heartbeat: "5s", timeout: "1m" }))],
  ["registries with ports, digests and deep paths", () => edited(readSplit, (r) => {
    r.database.image = "registry.example.org:5000/pgswarm/postgres:17";
    r.database.router = { image: `localhost:5000/router@sha256:${"ab".repeat(32)}` };
    r.services.web.image = "ghcr.io/my-org/geo__portal/web:2.9.1-rc_3";
  })],
  ["node names as FQDNs and IDs, label keys with upper case and dots", () => edited(readSplit, (r) => {
    r.nodes = {
      "db1.prod.example.org": { backups: true, labels: { "com.example.Rack": "r12", zone: "eu-west-1a" } },
      "8xm1ehx4j2q0k6ts3qfsn9ag7": { backups: true },
      db_3: { backups: true },
    };
    r.database.placement = { pgnode1: "db1.prod.example.org", pgnode2: "8xm1ehx4j2q0k6ts3qfsn9ag7", pgnode3: "db_3" };
  })],
  ["every constraint attribute Swarm knows", () => edited(readSplit, (r) => {
    r.services.web.placement = [
      "node.role == worker",
      "node.hostname != db-a",
      "node.platform.os == linux",
      "node.platform.arch == aarch64",
      "engine.labels.storage == ssd",
      "node.labels.com.example.Rack != r1",
      "node.ip != 10.0.0.0/8",
    ];
  })],
  ["services of every kind", () => edited(readSplit, (r) => {
    r.services = {
      web: { image: "app:1", database: "split", dbEnv: "geomapfish", dbChooser: { master: ["GET /short/"] }, publish: [{ port: 443, target: 8443 }] },
      api: { image: "app:1", database: "ro", dbEnv: "url", publish: [{ port: 443, target: 8443, protocol: "udp" }] },
      worker: { image: "app:1", command: ["app", "worker"], args: ["--queue", "default"], uid: 1000, update: { parallelism: 2, delay: "1m30s" } },
      cron: { image: "app:1", replicas: 0, update: { parallelism: 0 }, env: { SCHEDULE: "*/5 * * * *", MOTD: "line 1\nline 2", "spring.profiles.active": "prod" } },
      static: { image: "nginx:1.27", database: "none", healthcheck: { command: ["sh", "-c", "wget -qO- http://localhost/ || exit 1"], interval: "30s", timeout: "0s", startPeriod: "0s" } },
      "geo-portal-2": { image: "app:1", resources: { cpus: 0.25, memory: "256MiB" } },
    };
  })],
  ["separate DB and app subnets", () => edited(readSplit, (r) => (r.networks = { encrypted: false, dbSubnet: "10.20.0.0/24", appSubnet: "10.20.1.0/24" }))],
  ["a standalone stack with a database and role of its own", () => edited(standalone, (r) => Object.assign(r.database, { name: "geomapfish", user: "www_data" }))],
];

describe("variants that must be accepted", () => {
  it.each(variants)("%s", (_, make) => expect(refusals(make(), "prod")).toEqual([]));
});
