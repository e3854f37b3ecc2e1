import { cronProblem, nextRun, parseCron } from "../../../components/cron";

const next = (expression: string, after: string) => nextRun(parseCron(expression), new Date(after))?.toISOString();

describe("cron schedules (UTC)", () => {
  it("finds the next minute strictly after the given time", () => {
    expect(next("0 3 * * *", "2026-11-26T02:59:30Z")).toBe("2026-11-26T03:00:00.000Z");
    expect(next("0 3 * * *", "2026-11-26T03:00:00Z")).toBe("2026-11-27T03:00:00.000Z");
    expect(next("*/15 * * * *", "2026-11-26T03:07:00Z")).toBe("2026-11-26T03:15:00.000Z");
  });

  it("days of the week: 0 and 7 are Sunday, ranges and lists", () => {
    // 2026-11-26 is a Thursday.
    expect(next("0 3 * * 0", "2026-11-26T00:00:00Z")).toBe("2026-11-29T03:00:00.000Z");
    expect(next("0 3 * * 7", "2026-11-26T00:00:00Z")).toBe("2026-11-29T03:00:00.000Z");
    expect(next("0 3 * * 1-6", "2026-11-28T04:00:00Z")).toBe("2026-11-30T03:00:00.000Z");
    expect(next("30 2 1,15 * *", "2026-11-16T00:00:00Z")).toBe("2026-12-01T02:30:00.000Z");
  });

  it("both day fields restricted: either one matching runs (Vixie cron)", () => {
    expect(next("0 0 1 * 5", "2026-11-26T00:00:00Z")).toBe("2026-11-27T00:00:00.000Z");
  });

  it("crosses months and years, and finds leap days", () => {
    expect(next("0 0 1 1 *", "2026-11-26T00:00:00Z")).toBe("2027-01-01T00:00:00.000Z");
    expect(next("0 0 29 2 *", "2026-11-26T00:00:00Z")).toBe("2028-02-29T00:00:00.000Z");
  });

  it("says what is wrong with an expression, or nothing", () => {
    expect(cronProblem("0 3 * * 0")).toBeUndefined();
    expect(cronProblem("0 3 * *")).toMatch(/expected 5 fields .* got 4/);
    expect(cronProblem("0 24 * * *")).toMatch(/hour "24" is outside 0-23/);
    expect(cronProblem("*/0 * * * *")).toMatch(/step of 0/);
    expect(cronProblem("0 0 30 2 *")).toMatch(/ever runs/);
  });
});
