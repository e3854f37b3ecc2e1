import { recoveryTargetTime, repositoryNodeOf, validateStack } from "../../../components/config";
import { edited, problemAt, readSplit, standalone } from "./fixtures";

describe("backups: defaults", () => {
  it("full weekly, differential daily, two full backups kept, a nightly dump kept for a week, a repository service", () => {
    const { backups } = validateStack(readSplit(), "test");
    expect(backups).toEqual({
      repository: { type: "service" },
      schedule: { full: "0 3 * * 0", diff: "0 3 * * 1-6" },
      retention: { full: 2 },
      dumps: { schedule: "30 2 * * *", keep: 7 },
    });
  });
});

describe("backups: the repository's node", () => {
  it("is backups.node when set", () => {
    const config = validateStack(edited(readSplit, (raw) => (raw.backups = { node: "db-a" })), "test");
    expect(repositoryNodeOf(config)).toBe("db-a");
  });

  it("defaults to the last node marked backups: true in the stack file", () => {
    expect(repositoryNodeOf(validateStack(readSplit(), "test"))).toBe("db-c");
    expect(repositoryNodeOf(validateStack(standalone(), "test"))).toBe("self");
    const config = validateStack(edited(readSplit, (raw) => (raw.nodes["vault-1"] = { backups: true })), "test");
    expect(repositoryNodeOf(config)).toBe("vault-1");
  });

  it("stays on its node when the topology or the placement changes (a moved repository would start an empty archive)", () => {
    const replicated = validateStack(
      edited(readSplit, (raw) => {
        raw.topology = "replicated";
        raw.services.web.database = "rw";
      }),
      "test",
    );
    const standaloneOnA = validateStack(
      edited(readSplit, (raw) => {
        raw.topology = "standalone";
        raw.database = { nodes: 1, placement: { pgnode1: "db-a" } };
        raw.services.web.database = "rw";
      }),
      "test",
    );
    const moved = validateStack(edited(readSplit, (raw) => (raw.database.placement = { pgnode1: "db-c", pgnode2: "db-b", pgnode3: "db-a" })), "test");
    expect([repositoryNodeOf(replicated), repositoryNodeOf(standaloneOnA), repositoryNodeOf(moved)]).toEqual(["db-c", "db-c", "db-c"]);
  });

  it("must be declared and marked backups: true", () => {
    expect(problemAt(edited(readSplit, (raw) => (raw.backups = { node: "nowhere" })), "backups.node")).toBe('node "nowhere" is not declared under nodes');
    expect(problemAt(edited(readSplit, (raw) => (raw.backups = { node: "app-1" })), "backups.node")).toMatch(
      /"app-1" holds the backup repository, so it must be marked backups: true \(found backups: false\)/,
    );
  });
});

describe("backups: schedules", () => {
  it("accepts cron expressions and off for the differential backups and dumps", () => {
    const config = validateStack(
      edited(readSplit, (raw) => (raw.backups = { schedule: { full: "15 1 1,15 * *", diff: "off" }, dumps: { schedule: "off" } })),
      "test",
    );
    expect(config.backups.schedule).toEqual({ full: "15 1 1,15 * *", diff: "off" });
    expect(config.backups.dumps.schedule).toBe("off");
  });

  it.each([
    ["0 3 * *", "expected 5 fields"],
    ["61 3 * * *", 'minute "61" is outside 0-59'],
    ["0 3 * * mon", 'day of week "mon" is not a number'],
    ["0 0 31 2 *", "a schedule that ever runs"],
  ])("refuses %j, naming the key and what is wrong", (expression, expected) => {
    const message = problemAt(edited(readSplit, (raw) => (raw.backups = { schedule: { full: expression } })), "backups.schedule.full");
    expect(message).toContain(expected);
    expect(message).toContain(JSON.stringify(expression));
  });

  it("refuses a retention of 0 and an unknown repository type", () => {
    expect(problemAt(edited(readSplit, (raw) => (raw.backups = { retention: { full: 0 } })), "backups.retention.full")).toMatch(/1/);
    expect(problemAt(edited(readSplit, (raw) => (raw.backups = { repository: { type: "nfs" } })), "backups.repository.type")).toMatch(/"service"/);
  });
});

describe("database.restore", () => {
  it("takes another stack and a time with its zone, or latest (the default)", () => {
    const config = validateStack(edited(standalone, (raw) => (raw.database.restore = { from: "prod" })), "new");
    expect(config.database.restore).toEqual({ from: "prod", time: "latest" });
  });

  it.each(["2026-11-26 03:00:00", "yesterday", "2026-13-01T00:00:00Z", "2026-11-26T03:00Z"])("refuses the time %j", (time) => {
    const message = problemAt(edited(standalone, (raw) => (raw.database.restore = { from: "prod", time })), "database.restore.time");
    expect(message).toMatch(/expected "latest" or a time with its zone/);
  });

  it("refuses the stack's own name and a name Docker cannot carry", () => {
    expect(problemAt(edited(standalone, (raw) => (raw.database.restore = { from: "test" })), "database.restore.from", { stack: "test" })).toMatch(/its own name "test"/);
    expect(problemAt(edited(standalone, (raw) => (raw.database.restore = { from: "a b" })), "database.restore.from")).toMatch(/expected a stack name/);
  });

  it("renders the time as PostgreSQL and pgBackRest read it: UTC, the fraction kept exactly", () => {
    expect(recoveryTargetTime("2026-11-26T03:00:00Z")).toBe("2026-11-26 03:00:00+00");
    expect(recoveryTargetTime("2026-11-26 04:00:00.250+01:00")).toBe("2026-11-26 03:00:00.250+00");
    expect(recoveryTargetTime("2026-11-26T00:30:00.123456-0230")).toBe("2026-11-26 03:00:00.123456+00");
  });
});
