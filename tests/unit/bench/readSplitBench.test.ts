/** The read-split bench's pure parts: pgbench's command and output, the control router, the ratios. */
import { renderControlCfg } from "../../../bench/lib/controlRouter";
import { pgpassScript } from "../../../bench/lib/benchServices";
import {
  median,
  medianRatio,
  parsePgbenchOutput,
  parseTransactionLog,
  pathFigures,
  pgbenchCommand,
  phaseGroups,
  readSplitRatios,
  rotate,
  roundOrder,
  shares,
  summaryLine,
  type RoundFigures,
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

/** One path's rounds: [tps, median latency µs] each. */
const rounds = (...values: Array<[number, number?]>): RoundFigures[] => values.map(([tps, latencyMedianUs = 500]) => ({ tps, latencyMedianUs }));

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
    const tps = { direct: rounds([1000]), "control@a": rounds([700]), "db-rw@a": rounds([665]), "control-ro@b": rounds([800]), "db-ro@b": rounds([880]), multihost: rounds([990]) };
    const oneClient = { direct: rounds([1, 400]), "control@a": rounds([1, 450]), "db-rw@a": rounds([1, 460]) };
    const ratios = readSplitRatios(tps, oneClient, { rw: ["a"], ro: ["b"] });
    expect(ratios.controlOverDirect).toBeCloseTo(0.7);
    expect(ratios.dbRwOverControl).toBeCloseTo(0.95);
    expect(ratios.dbRoOverControl).toBeCloseTo(1.1);
    expect(ratios.multihostOverDirect).toBeCloseTo(0.99);
    expect(ratios.dbRwAddedLatencyOverControl).toBeCloseTo(1.2);
  });

  it("pairs a router task with the control on its node, within a round: drift between rounds leaves the ratio alone", () => {
    // The machine got faster from round to round; each router task ran right after the control beside it.
    const tps = { "control-ro@a": rounds([10_000], [10_000], [30_000]), "db-ro@a": rounds([9_600], [9_700], [29_000]) };
    // Paired: 0.96, 0.97, 0.967 → 0.967. The overall medians (9 700 over 10 000) would say 0.97 here, and
    // anything at all when a slow round's control meets a fast round's router.
    expect(readSplitRatios(tps, {}, { rw: [], ro: ["a"] }).dbRoOverControl).toBeCloseTo(0.967, 3);
  });

  it("never sets a router task against the control on another node: a remote hop against a local one", () => {
    // On node a (the client's) both are fast, on b both are slow: the per-node ratios are 0.98 and 0.96.
    const tps = {
      "control@a": rounds([20_000], [20_000], [20_000]),
      "db-rw@a": rounds([19_600], [19_600], [19_600]),
      "control@b": rounds([10_000], [10_000], [10_000]),
      "db-rw@b": rounds([9_600], [9_600], [9_600]),
    };
    const ratios = readSplitRatios(tps, {}, { rw: ["a", "b"], ro: [] });
    // Not 14 600 / 15 000 (0.973), the medians over both nodes.
    expect(ratios.dbRwOverControl).toBeCloseTo(0.97, 3);
  });

  it("takes the 1-client latency ratio within each round and node, and skips a pair whose control added nothing", () => {
    const oneClient = {
      direct: rounds([1, 200], [1, 400], [1, 300]),
      "control@a": rounds([1, 250], [1, 400], [1, 360]),
      "db-rw@a": rounds([1, 255], [1, 430], [1, 372]),
    };
    // Rounds: 55/50 = 1.1, n/a (the control added 0), 72/60 = 1.2 → median of 1.1 and 1.2.
    expect(readSplitRatios({}, oneClient, { rw: ["a"], ro: [] }).dbRwAddedLatencyOverControl).toBeCloseTo(1.15);
  });

  it("medianRatio: the median of the finite ratios; NaN with none", () => {
    expect(medianRatio([0.5, 2, 1])).toBe(1);
    expect(medianRatio([Number.NaN, 0.9, 1.1, 1.0])).toBe(1);
    expect(medianRatio([Number.NaN])).toBeNaN();
    expect(median([])).toBeNaN();
    expect(median([3, 1, 2, 10])).toBe(2.5);
  });

  it("groups each router task with the control on its node, for every phase", () => {
    const groups = phaseGroups({ rw: ["pgm", "pgw2"], ro: ["pgw1"] });
    expect(groups.selectOnly8).toEqual([["direct", "multihost"], ["control@pgm", "db-rw@pgm"], ["control@pgw2", "db-rw@pgw2"], ["control-ro@pgw1", "db-ro@pgw1"], ["multihost-ro"]]);
    expect(groups.selectOnly1).toEqual([["direct"], ["control@pgm", "db-rw@pgm"], ["control@pgw2", "db-rw@pgw2"], ["control-ro@pgw1", "db-ro@pgw1"]]);
    expect(groups.mixed8).toEqual([["direct", "multihost"], ["control@pgm", "db-rw@pgm"], ["control@pgw2", "db-rw@pgw2"]]);
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
    const ratios = readSplitRatios({ direct: rounds([1000]) }, {}, { rw: ["a"], ro: ["a"] });
    expect(summaryLine(ratios, "")).toContain("db-ro/control=n/a");
  });

  it("shares: each member's part of the counted transactions", () => {
    expect(shares({ pgnode1: 0, pgnode2: 300, pgnode3: 100 })).toEqual({ pgnode1: 0, pgnode2: 0.75, pgnode3: 0.25 });
    expect(shares({ pgnode1: 0 })).toEqual({ pgnode1: 0 });
  });

  it("runs each group's paths back to back, rotating the groups and the order inside each group", () => {
    const groups = [["direct", "multihost"], ["control", "db-rw"], ["solo"]];
    expect(roundOrder(groups, 0)).toEqual(["direct", "multihost", "control", "db-rw", "solo"]);
    expect(roundOrder(groups, 1)).toEqual(["db-rw", "control", "solo", "multihost", "direct"]);
    expect(roundOrder(groups, 2)).toEqual(["solo", "direct", "multihost", "control", "db-rw"]);
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
