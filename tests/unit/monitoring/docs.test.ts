/** docs/monitoring.md: its scrape config and alert rules parse, and name the services and metrics that exist. */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { repositoryServiceName } from "../../../components/backups";
import { AGENT_PORT } from "../../../components/contract";
import { EXPORTER_METRICS_PATH, EXPORTER_PORT, exporterServiceName } from "../../../components/monitoring";
import { PROJECT_DIR } from "../../helpers/stacks";

const doc = fs.readFileSync(path.join(PROJECT_DIR, "docs", "monitoring.md"), "utf8");
const yamlBlocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => YAML.parse(match[1]));
const prometheus = yamlBlocks.find((block) => block?.scrape_configs);
const rules = yamlBlocks.find((block) => block?.groups);

// What postgres_exporter 0.17 (Debian trixie) and HAProxy 3.0's exporter serve, as far as the rules use them.
const KNOWN_METRICS = new Set([
  "pg_up",
  "pg_replication_is_replica",
  "pg_replication_lag_seconds",
  "pg_stat_replication_pg_wal_lsn_diff",
  "pg_stat_archiver_failed_count",
  "pg_stat_archiver_last_archive_age",
  "haproxy_backend_active_servers",
  "haproxy_backend_backup_servers",
  // the backup repository's agent (images/postgres/agent/repo/metrics.ts)
  "pgswarm_backup_last_success_timestamp_seconds",
]);

it("scrapes every member's exporter and both routers through tasks.<service> DNS", () => {
  const jobs = Object.fromEntries(prometheus.scrape_configs.map((job: any) => [job.job_name, job]));
  const postgres = jobs["pgswarm-postgres"].dns_sd_configs[0];
  expect(postgres).toMatchObject({ type: "A", port: EXPORTER_PORT });
  expect(postgres.names).toEqual(["pgnode1", "pgnode2", "pgnode3"].map((member) => `tasks.${exporterServiceName("prod", member)}`));
  expect(jobs["pgswarm-postgres"].metrics_path ?? "/metrics").toBe(EXPORTER_METRICS_PATH);
  expect(jobs["pgswarm-router"]).toMatchObject({ metrics_path: "/metrics", dns_sd_configs: [{ names: ["tasks.prod_db-rw", "tasks.prod_db-ro"], port: 8405 }] });
  expect(jobs["pgswarm-backups"]).toMatchObject({ metrics_path: "/metrics", dns_sd_configs: [{ names: [`tasks.${repositoryServiceName("prod")}`], port: AGENT_PORT }] });
  const [backupStack] = jobs["pgswarm-backups"].relabel_configs;
  expect("tasks.prod_backup-repo".replace(new RegExp(`^${backupStack.regex}$`), "$1")).toBe("prod");
  // What the repository serves is what the alert reads.
  const { renderMetrics } = require("../../../images/postgres/agent/repo/metrics") as typeof import("../../../images/postgres/agent/repo/metrics");
  expect(renderMetrics({ backups: [], last: {}, stanzaOk: true })).toContain("# TYPE pgswarm_backup_last_success_timestamp_seconds gauge");
  // The relabelling regex really extracts stack and member from a name.
  const [stackRule] = jobs["pgswarm-postgres"].relabel_configs;
  expect("tasks.prod_pgnode2-exporter".replace(new RegExp(`^${stackRule.regex}$`), "$1 $2")).toBe("prod pgnode2");
});

it("holds the five alerts, each on metrics that exist", () => {
  const alerts = rules.groups.flatMap((group: any) => group.rules);
  expect(alerts.map((alert: any) => alert.alert)).toEqual([
    "PgswarmNoPrimary",
    "PgswarmReplicaLag",
    "PgswarmArchivingFailing",
    "PgswarmBackupTooOld",
    "PgswarmRouterPoolEmpty",
  ]);
  for (const alert of alerts) {
    const metrics = [...String(alert.expr).matchAll(/\b(pg_[a-z_]+|haproxy_[a-z_]+|pgswarm_[a-z_]+)\b/g)].map((match) => match[1]);
    expect(metrics.length).toBeGreaterThan(0);
    for (const metric of metrics) expect([alert.alert, metric, KNOWN_METRICS.has(metric)]).toEqual([alert.alert, metric, true]);
    expect(alert.for).toMatch(/^\d+[sm]$/);
  }
});
