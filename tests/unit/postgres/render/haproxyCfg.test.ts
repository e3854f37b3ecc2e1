import { parseDurationMs, validateStack } from "../../../../components/config";
import { renderHaproxyCfg, unansweredGraceMs } from "../../../../components/postgres/render";

const config = validateStack(
  {
    topology: "read-split",
    nodes: { a: { backups: true }, b: { backups: true }, c: { backups: true } },
    database: { nodes: 3, placement: { pgnode1: "a", pgnode2: "b", pgnode3: "c" }, replicaMaxLag: "8MB", router: { checkInterval: "400ms" } },
  },
  "test",
);
const members = ["pgnode1", "pgnode2", "pgnode3"];

/** The lines of one section ("backend primary", "frontend postgres", …). */
function section(cfg: string, header: string): string[] {
  const lines = cfg.split("\n");
  const start = lines.findIndex((line) => line === header);
  if (start < 0) return [];
  const end = lines.findIndex((line, index) => index > start && /^\S/.test(line));
  return lines.slice(start + 1, end < 0 ? undefined : end).map((line) => line.trim()).filter((line) => line && !line.startsWith("#"));
}

describe("haproxy.cfg", () => {
  it("rw sends every connection to the primary backend, which holds every data member", () => {
    const cfg = renderHaproxyCfg("rw", config, members);
    expect(section(cfg, "frontend postgres")).toContain("default_backend primary");
    expect(section(cfg, "backend primary").filter((line) => line.startsWith("server "))).toEqual([
      "server pgnode1 pgnode1:5432",
      "server pgnode2 pgnode2:5432",
      "server pgnode3 pgnode3:5432",
    ]);
    expect(section(cfg, "backend replicas")).toEqual([]);
  });

  it("admits a member to the primary backend only when its agent answers /primary (it holds the lease)", () => {
    const primary = section(renderHaproxyCfg("rw", config, members), "backend primary");
    expect(primary).toContain("http-check send meth GET uri /primary");
    expect(primary).toContain("http-check expect status 200");
  });

  it("starts every server disabled: the role gate admits it after its agent answered, never a DNS answer alone", () => {
    for (const mode of ["rw", "ro"] as const) {
      const cfg = renderHaproxyCfg(mode, config, members);
      const defaults = cfg.split("\n").filter((line) => line.trim().startsWith("default-server"));
      expect(defaults.length).toBeGreaterThan(0);
      for (const line of defaults) expect(line.split(/\s+/)).toEqual(expect.arrayContaining(["disabled", "check", "port", "8008"]));
      expect(cfg).toMatch(/^\s+lua-load \/usr\/local\/share\/pgswarm\/gate\.lua$/m);
    }
  });

  it("checks at the configured interval and closes the sessions of a member that leaves", () => {
    const line = renderHaproxyCfg("rw", config, members).split("\n").find((text) => text.includes("default-server"))!;
    expect(line).toContain("inter 400ms");
    expect(line).toContain("on-marked-down shutdown-sessions");
  });

  describe("a member whose agent does not answer keeps its sessions for a grace shorter than any election (half the failover timeout, at most 2 s)", () => {
    const withTimes = (failoverTimeout: string, checkInterval: string) =>
      validateStack(
        {
          topology: "read-split",
          nodes: { a: { backups: true }, b: { backups: true }, c: { backups: true } },
          database: {
            nodes: 3,
            placement: { pgnode1: "a", pgnode2: "b", pgnode3: "c" },
            failover: { heartbeat: "200ms", timeout: failoverTimeout },
            router: { checkInterval },
          },
        },
        "test",
      );
    const fallOf = (cfg: string) => cfg.split("\n").filter((line) => line.includes("default-server")).map((line) => line.match(/ fall (\d+) rise 1 /)?.[1]);

    it.each([
      // failover timeout, check interval: grace (ms), HAProxy's consecutive failed checks
      ["3s", "400ms", 1500, "3"],
      ["3s", "500ms", 1500, "3"],
      ["3s", "250ms", 1500, "6"],
      ["1s", "400ms", 500, "1"],
      ["1200ms", "200ms", 600, "3"],
      ["10s", "500ms", 2000, "4"],
      ["60s", "5s", 2000, "1"],
    ])("failover timeout %s, checks every %s: the gate waits %i ms, HAProxy falls after %s checks", (timeout, interval, grace, fall) => {
      const stack = withTimes(timeout, interval);
      expect(unansweredGraceMs(stack)).toBe(grace);
      for (const mode of ["rw", "ro"] as const) {
        const cfg = renderHaproxyCfg(mode, stack, members);
        expect(section(cfg, "global")).toContain(`setenv PGSWARM_GATE_GRACE_MS ${grace}`);
        const falls = fallOf(cfg);
        expect(falls).toHaveLength(mode === "rw" ? 1 : 2);
        for (const value of falls) expect(value).toBe(fall);
        // The failed checks fit in the grace (one check at least): the member is out before another can be elected.
        const intervalMs = parseDurationMs(interval)!;
        expect(Number(fall) * intervalMs).toBeLessThanOrEqual(Math.max(grace, intervalMs));
      }
    });
  });

  it("spreads read sessions by fewest sessions (pools keep them long); the primary backend takes the first admitted server", () => {
    const cfg = renderHaproxyCfg("ro", config, members);
    expect(section(cfg, "backend replicas")).toContain("balance leastconn");
    expect(section(cfg, "backend primary")).toContain("balance first");
  });

  it("ro reads from replicas within the lag limit (bytes), and from the primary when none qualifies", () => {
    const cfg = renderHaproxyCfg("ro", config, members);
    expect(section(cfg, "frontend postgres")).toEqual(["no log", "bind :5432", "use_backend replicas if { nbsrv(replicas) gt 0 }", "default_backend primary"]);
    expect(section(cfg, "backend replicas")).toContain(`http-check send meth GET uri /replica?lag=${8 * 1024 * 1024}`);
    expect(cfg).toContain(`setenv PGSWARM_PATH_replicas /replica?lag=${8 * 1024 * 1024}`);
  });

  it("keeps a vanished member's last address (never maintenance by resolution), and takes a restarted member's new one at once", () => {
    const resolvers = section(renderHaproxyCfg("rw", config, members), "resolvers docker");
    expect(resolvers).toEqual(expect.arrayContaining(["hold nx 1h", "hold timeout 1h", "hold obsolete 0s"]));
  });

  it("bounds each role-gate request, connect included, to two gate ticks with no retry (a member's old address must not hold it)", () => {
    // checkInterval 400ms: the gate asks every 200 ms, and one request may take 400 ms in all.
    const global = section(renderHaproxyCfg("rw", config, members), "global");
    expect(global).toEqual(
      expect.arrayContaining(["setenv PGSWARM_GATE_INTERVAL_MS 200", "setenv PGSWARM_GATE_TIMEOUT_MS 400", "httpclient.retries 0", "httpclient.timeout.connect 400ms"]),
    );
  });

  it("logs member state changes and the gate's decisions (notice), not each gate request (info)", () => {
    const global = section(renderHaproxyCfg("ro", config, members), "global");
    expect(global).toContain("log stdout format raw local0 notice");
    expect(global.filter((line) => line.startsWith("log "))).toHaveLength(1);
  });

  it("serves HAProxy's Prometheus metrics", () => {
    expect(section(renderHaproxyCfg("rw", config, members), "frontend metrics")).toContain("http-request use-service prometheus-exporter if { path /metrics }");
  });
});
