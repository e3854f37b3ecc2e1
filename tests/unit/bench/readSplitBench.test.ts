/** The read-split bench's pure parts: pgbench's command and output, the control router, the ratios. */
import { renderControlCfg } from "../../../bench/lib/controlRouter";
import { pgpassScript } from "../../../bench/lib/benchServices";
import {
  parsePgbenchOutput,
  parseTransactionLog,
  pathFigures,
  pgbenchCommand,
  readSplitRatios,
  rotate,
  shares,
  summaryLine,
  type PathFigures,
} from "../../../bench/lib/pgbench";

const PGBENCH_OUTPUT = `pgbench (17.6 (Debian 17.6-1))
transaction type: <builtin: select only>
scaling factor: 5
query mode: simple
number of clients: 8
number of threads: 2
maximum number of tries: 1
duration: 10 s
number of transactions actually processed: 61234
number of failed transactions: 3 (0.005%)
latency average = 1.306 ms
initial connection time = 21.771 ms
tps = 6123.456789 (without initial connection time)
`;

const figures = (tps: number, latencyUs = 500): PathFigures => pathFigures([{ tps, latencyAverageMs: latencyUs / 1000, failed: 0 }], [latencyUs]);

describe("pgbench command", () => {
  it("select-only runs -S without vacuum, with the clients, threads, duration and a sampled log", () => {
    const command = pgbenchCommand({ target: "host=db-ro user=app_ro dbname=app", workload: "select-only", clients: 8, seconds: 10, logPrefix: "/tmp/x", samplingRate: 0.1 });
    expect(command).toBe("pgbench -n -S -c 8 -j 2 -T 10 -l --sampling-rate=0.1 --log-prefix=/tmp/x 'host=db-ro user=app_ro dbname=app'");
  });

  it("mixed weights nine select-only transactions to one TPC-B-like, and one client runs one thread", () => {
    const command = pgbenchCommand({ target: "postgresql://app@a:5432/app", workload: "mixed", clients: 1, seconds: 5, logPrefix: "/tmp/x", samplingRate: 1 });
    expect(command).toContain("-b select-only@9 -b tpcb-like@1 -c 1 -j 1 -T 5");
  });

  it("quotes a target with a single quote so the shell passes it as one word", () => {
    const command = pgbenchCommand({ target: "host=x application_name='a b'", workload: "select-only", clients: 1, seconds: 1, logPrefix: "/tmp/x", samplingRate: 1 });
    expect(command.endsWith(`'host=x application_name='\\''a b'\\'''`)).toBe(true);
  });
});

describe("pgbench output", () => {
  it("reads tps, average latency and failed transactions", () => {
    expect(parsePgbenchOutput(PGBENCH_OUTPUT)).toEqual({ tps: 6123.456789, latencyAverageMs: 1.306, failed: 3 });
  });

  it("refuses output without a tps line (a run that failed)", () => {
    expect(() => parsePgbenchOutput("pgbench: error: connection to server failed")).toThrow(/no tps/);
  });

  it("takes the latency (third field, µs) of each logged transaction and skips anything else", () => {
    expect(parseTransactionLog("0 1 412 0 1700000000 123\n3 7 1900 0 1700000001 5\n\ngarbage line\n")).toEqual([412, 1900]);
  });

  it("summarises runs: tps per run, latency percentiles over the pooled samples", () => {
    const result = pathFigures(
      [
        { tps: 100, latencyAverageMs: 1, failed: 0 },
        { tps: 300, latencyAverageMs: 1, failed: 2 },
      ],
      Array.from({ length: 100 }, (_, index) => index + 1),
    );
    expect(result.tps.median).toBe(300);
    expect(result.tps.n).toBe(2);
    expect(result.latencyUs.median).toBe(51);
    expect(result.latencyUs.p99).toBe(99);
    expect(result.failed).toBe(2);
  });
});

describe("ratios and summary", () => {
  it("compares db-ro with the control's read side, db-rw with its write side, multihost with direct", () => {
    const tps = { direct: figures(1000), control: figures(700), "db-rw": figures(665), "control-ro": figures(800), "db-ro": figures(880), multihost: figures(990) };
    const oneClient = { direct: figures(1, 400), control: figures(1, 450), "db-rw": figures(1, 460) };
    const ratios = readSplitRatios(tps, oneClient);
    expect(ratios.controlOverDirect).toBeCloseTo(0.7);
    expect(ratios.dbRwOverControl).toBeCloseTo(0.95);
    expect(ratios.dbRoOverControl).toBeCloseTo(1.1);
    expect(ratios.multihostOverDirect).toBeCloseTo(0.99);
    expect(ratios.dbRwAddedLatencyOverControl).toBeCloseTo(1.2);
  });

  it("prints exactly the four tokens the acceptance names, with decimals", () => {
    const line = summaryLine({ controlOverDirect: 0.7, dbRoOverControl: 1.1, dbRwOverControl: 0.95, multihostOverDirect: 0.99, dbRwAddedLatencyOverControl: 1.2 }, "x");
    expect(line).toMatch(/(^| )control\/direct=0\.70 /);
    expect(line).toMatch(/ db-ro\/control=1\.10 /);
    expect(line).toMatch(/ db-rw\/control=0\.95 /);
    // Whitespace-separated, so each token reads back as a number.
    const tokens = Object.fromEntries(line.split(/\s+/).filter((word) => word.includes("=")).map((word) => word.split("=")));
    expect(tokens).toEqual({ "control/direct": "0.70", "db-ro/control": "1.10", "db-rw/control": "0.95", "multihost/direct": "0.99" });
    // No other `a/b=R` token: a reader that collects them finds exactly the four.
    expect(line.match(/\S+\/\S+=[\d.]+/g)).toEqual(["control/direct=0.70", "db-ro/control=1.10", "db-rw/control=0.95", "multihost/direct=0.99"]);
    expect(line).toContain("at 1 client db-rw adds 1.20x the control's latency");
  });

  it("says n/a instead of a number when a path is missing", () => {
    const ratios = readSplitRatios({ direct: figures(1000) }, {});
    expect(summaryLine(ratios, "")).toContain("db-ro/control=n/a");
  });

  it("shares: each member's part of the counted transactions", () => {
    expect(shares({ pgnode1: 0, pgnode2: 300, pgnode3: 100 })).toEqual({ pgnode1: 0, pgnode2: 0.75, pgnode3: 0.25 });
    expect(shares({ pgnode1: 0 })).toEqual({ pgnode1: 0 });
  });

  it("rotates the paths each round so none always runs first", () => {
    expect(rotate(["a", "b", "c"], 0)).toEqual(["a", "b", "c"]);
    expect(rotate(["a", "b", "c"], 1)).toEqual(["b", "c", "a"]);
    expect(rotate(["a", "b", "c"], 4)).toEqual(["b", "c", "a"]);
  });
});

describe("control router", () => {
  it("a TCP write frontend to the primary and a round-robin read frontend over the standbys, with no check", () => {
    const cfg = renderControlCfg("pgnode2", ["pgnode1", "pgnode3"]);
    expect(cfg).toMatchSnapshot();
    expect(cfg).not.toMatch(/\bcheck\b|resolvers|lua/);
  });

  it("refuses a member name that is not a plain service name, and an empty read side", () => {
    expect(() => renderControlCfg("pgnode1\n    server evil 1.2.3.4:5432", ["pgnode2"])).toThrow(/not a plain service name/);
    expect(() => renderControlCfg("pgnode1", [])).toThrow(/at least one standby/);
  });
});

describe("client password file", () => {
  it("reads the passwords from the mounted secret files, never from the command line", () => {
    const script = pgpassScript([{ user: "app", credential: "app" }, { user: "app_ro", credential: "reader" }]);
    expect(script).toContain(`"$(cat /run/secrets/pgswarm-app-password)"`);
    expect(script).toContain(`"$(cat /run/secrets/pgswarm-reader-password)"`);
    expect(script).toMatch(/^umask 077;/);
  });
});
