/**
 * pg_hba.conf: scram-sha-256 everywhere, and only from the DB network. Local
 * socket access is for the container's own scripts (initdb, health checks).
 */
import { REPMGR_USER } from "./repmgrConf";
export { REPMGR_USER };
export const MONITOR_USER = "pgswarm_monitor";

export function renderPgHba(dbSubnet: string): string {
  const rows: string[][] = [
    ["local", "all", "postgres", "", "peer"],
    ["local", "all", "all", "", "scram-sha-256"],
    ["host", "replication", REPMGR_USER, dbSubnet, "scram-sha-256"],
    ["host", "all", "all", dbSubnet, "scram-sha-256"],
    ["host", "all", "all", "0.0.0.0/0", "reject"],
    ["host", "all", "all", "::/0", "reject"],
  ];
  const width = [6, 12, 16, 20];
  const lines = rows.map((row) =>
    row
      .map((cell, index) => (index < width.length ? cell.padEnd(width[index]) : cell))
      .join(" ")
      .replace(/\s+$/, ""),
  );
  return ["# Rendered by pgswarm: only the DB network, only scram-sha-256.", "# TYPE  DATABASE     USER             ADDRESS              METHOD", ...lines, ""].join("\n");
}
