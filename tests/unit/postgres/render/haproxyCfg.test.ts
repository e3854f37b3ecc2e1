import { validateStack } from "../../../../components/config";
import { renderHaproxyCfg } from "../../../../components/postgres/render";

const config = validateStack(
  {
    topology: "read-split",
    nodes: { a: { backups: true }, b: { backups: true }, c: { backups: true } },
    database: { nodes: 3, placement: { pgnode1: "a", pgnode2: "b", pgnode3: "c" }, replicaMaxLag: "8MB", router: { checkInterval: "500ms" } },
  },
  "test",
);
const members = ["pgnode1", "pgnode2", "pgnode3"];
const servers = (cfg: string) => cfg.split("\n").filter((line) => line.trim().startsWith("server "));

describe("haproxy.cfg", () => {
  it("rw sends to the primary only, checking every member's role", () => {
    const cfg = renderHaproxyCfg("rw", config, members);
    expect(servers(cfg).map((line) => line.trim())).toEqual([
      "server pgnode1-primary pgnode1:5432 check",
      "server pgnode2-primary pgnode2:5432 check",
      "server pgnode3-primary pgnode3:5432 check",
    ]);
    expect(cfg).toMatch(/external-check command \/usr\/local\/bin\/pgswarm-check-role/);
  });

  it("ro balances over replicas and falls back to the primary as a backup", () => {
    const lines = servers(renderHaproxyCfg("ro", config, members)).map((line) => line.trim());
    expect(lines.filter((line) => line.includes("-replica ") && !line.endsWith("backup"))).toHaveLength(3);
    expect(lines.filter((line) => line.includes("-primary ") && line.endsWith("backup"))).toHaveLength(3);
  });

  it("checks at the configured interval and closes sessions to a node leaving the pool", () => {
    const cfg = renderHaproxyCfg("rw", config, members);
    expect(cfg).toMatch(/default-server inter 500ms fall 2 rise 2 on-marked-down shutdown-sessions/);
  });

  it("passes the lag limit to the role check in bytes", () => {
    expect(renderHaproxyCfg("ro", config, members)).toMatch(/setenv PGSWARM_MAX_LAG_BYTES 8388608/);
  });

  it("resolves members through Docker's DNS, so a rescheduled task is found again", () => {
    const cfg = renderHaproxyCfg("rw", config, members);
    expect(cfg).toMatch(/nameserver dns 127\.0\.0\.11:53/);
    expect(cfg).toMatch(/resolvers docker init-addr none/);
  });
});
