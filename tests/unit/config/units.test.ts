import { parseDurationMs, parseSizeBytes, durationSeconds, sizeKilobytes } from "../../../components/config";

describe("durations", () => {
  it.each([
    ["10s", 10_000],
    ["500ms", 500],
    ["1m30s", 90_000],
    ["2h", 7_200_000],
    ["1.5s", 1_500],
  ])("parses %s", (text, ms) => expect(parseDurationMs(text)).toBe(ms));

  it.each(["10", "ten seconds", "10 s", "-1s", "1d", ""])("rejects %p", (text) => expect(parseDurationMs(text)).toBeUndefined());

  it("rounds to whole seconds, at least 1, for repmgr", () => {
    expect(durationSeconds("2s")).toBe(2);
    expect(durationSeconds("200ms")).toBe(1);
  });
});

describe("sizes", () => {
  it.each([
    ["16MB", 16 * 1024 ** 2],
    ["1GiB", 1024 ** 3],
    ["512kB", 512 * 1024],
    ["8 GB", 8 * 1024 ** 3],
  ])("parses %s with binary multiples as postgresql.conf does", (text, bytes) => expect(parseSizeBytes(text)).toBe(bytes));

  it.each(["16", "16mb", "1.5GB", "MB", "16 megabytes"])("rejects %p", (text) => expect(parseSizeBytes(text)).toBeUndefined());

  it("converts to kilobytes", () => expect(sizeKilobytes("16MB")).toBe(16384));
});
