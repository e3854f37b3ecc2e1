/**
 * haproxy.cfg for a router: TCP to the DB members, with a role check run
 * against each member every checkInterval. A member that leaves the pool has
 * its sessions closed, so no client keeps writing to a demoted node.
 *
 * rw: only the primary. ro: replicas within the lag limit; each member also
 * appears as a `backup` primary so reads go to the primary when no replica is fit.
 */
import { parseDurationMs, parseSizeBytes, type StackConfig } from "../../config";
import { POSTGRES_PORT } from "../../names";

export type RouterMode = "rw" | "ro";
export const ROUTER_HEALTH_PORT = 8404;
export const ROLE_CHECK = "/usr/local/bin/pgswarm-check-role";

function serverLine(name: string, host: string, role: "primary" | "replica", backup: boolean): string {
  return `    server ${name}-${role} ${host}:${POSTGRES_PORT} check${backup ? " backup" : ""}`;
}

export function renderHaproxyCfg(mode: RouterMode, config: StackConfig, dataMembers: string[]): string {
  const interval = Math.max(250, parseDurationMs(config.database.router.checkInterval) ?? 1000);
  const maxLag = parseSizeBytes(config.database.replicaMaxLag) ?? 0;
  const servers =
    mode === "rw"
      ? dataMembers.map((member) => serverLine(member, member, "primary", false))
      : [
          ...dataMembers.map((member) => serverLine(member, member, "replica", false)),
          ...dataMembers.map((member) => serverLine(member, member, "primary", true)),
        ];
  return `# Rendered by pgswarm: the ${mode} router.
global
    log stdout format raw local0 info
    maxconn 4000
    external-check preserve-env
    insecure-fork-wanted
    setenv PGSWARM_MAX_LAG_BYTES ${maxLag}

defaults
    mode tcp
    log global
    option tcplog
    option tcpka
    timeout connect 3s
    timeout client 30m
    timeout server 30m
    timeout check ${Math.max(1000, interval * 2)}ms

resolvers docker
    nameserver dns 127.0.0.11:53
    resolve_retries 3
    timeout resolve 1s
    timeout retry 1s
    hold valid 2s
    hold obsolete 2s

frontend health
    mode http
    bind :${ROUTER_HEALTH_PORT}
    monitor-uri /healthz

listen postgres
    bind :${POSTGRES_PORT}
    balance ${mode === "rw" ? "first" : "leastconn"}
    option external-check
    external-check path "/usr/local/bin:/usr/bin:/bin"
    external-check command ${ROLE_CHECK}
    default-server inter ${interval}ms fall 2 rise 2 on-marked-down shutdown-sessions on-marked-up shutdown-backup-sessions resolvers docker init-addr none
${servers.join("\n")}
`;
}
