/** npm run status --watch: its arguments, the ctl's --every, and the line splitting of a followed log. */
import { statusInterval, statusLifetimeMs } from "../../../images/postgres/agent/ctl";
import { stackArgument, watchIntervalMs } from "../../../tools/lib/cli";
import { lineSplitter } from "../../../tools/lib/ctlService";

describe("status --watch", () => {
  const exit = jest.spyOn(process, "exit").mockImplementation(((code: number) => {
    throw new Error(`exit ${code}`);
  }) as never);
  const stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
  afterAll(() => {
    exit.mockRestore();
    stderr.mockRestore();
  });

  it("refreshes every second unless told, in seconds (fractions too)", () => {
    expect(watchIntervalMs(["ha"], "u")).toBeUndefined();
    expect(watchIntervalMs(["ha", "--watch"], "u")).toBe(1000);
    expect(watchIntervalMs(["ha", "--watch", "--json"], "u")).toBe(1000);
    expect(watchIntervalMs(["ha", "--watch", "0.5"], "u")).toBe(500);
    expect(watchIntervalMs(["ha", "--watch", "3"], "u")).toBe(3000);
  });

  it("refuses an interval out of range with the usage, exit 2, no stack trace", () => {
    expect(() => watchIntervalMs(["ha", "--watch", "0.01"], "npm run status -- <stack>")).toThrow("exit 2");
    expect(stderr).toHaveBeenCalledWith(expect.stringContaining(`--watch wants seconds from 0.1 to 60, found "0.01"`));
  });

  it("the stack is the first word that is neither a flag nor a flag's value", () => {
    expect(stackArgument(["--watch", "2", "ha"], "u")).toBe("ha");
    expect(stackArgument(["--docker-host", "unix:///x.sock", "ha", "--json"], "u")).toBe("ha");
    expect(stackArgument(["ha", "--watch", "2"], "u")).toBe("ha");
  });
});

describe("ctl status --every", () => {
  it("one document without it; the interval in ms with it", () => {
    expect(statusInterval(["status"])).toBe(0);
    expect(statusInterval(["status", "--every", "500"])).toBe(500);
  });

  it("refuses an interval below 100 ms, above a minute or not a number", () => {
    for (const bad of ["50", "61000", "x", undefined]) {
      expect(() => statusInterval(["status", "--every", ...(bad === undefined ? [] : [bad])])).toThrow(/milliseconds from 100 to 60000/);
    }
  });
});

describe("ctl status --for", () => {
  it("goes on for ten minutes unless given, so a ctl left behind by a killed watcher ends by itself", () => {
    expect(statusLifetimeMs(["status", "--every", "500"])).toBe(600_000);
    expect(statusLifetimeMs(["status", "--every", "500", "--for", "30"])).toBe(30_000);
    expect(() => statusLifetimeMs(["status", "--for", "0"])).toThrow(/seconds from 1 to 86400/);
  });
});

describe("following a ctl's log", () => {
  it("hands over whole lines only, however the chunks fall", () => {
    const lines: string[] = [];
    const feed = lineSplitter((line) => lines.push(line));
    feed('{"a":');
    expect(lines).toEqual([]);
    feed('1}\n{"b":2}\n\n{"c"');
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
    feed(":3}\n");
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });
});
