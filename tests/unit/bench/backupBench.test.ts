import { backupSummaryLine, commandFigures, megabytesPerSecond, parseSize } from "../../../bench/lib/backupBench";
import { distribution } from "../../../bench/stats";

describe("bench:backup", () => {
  it("reads pgBackRest's sizes", () => {
    expect(parseSize("37.1MB")).toBeCloseTo(37.1 * 1024 ** 2);
    expect(parseSize("966B")).toBe(966);
    expect(() => parseSize("12 parsecs")).toThrow(/not a pgBackRest size/);
  });

  it("takes a command's size and duration from its log", () => {
    const backupLog = [
      "P00   INFO: new backup label = 20261126-021552F",
      "P00   INFO: full backup size = 37.1MB, file total = 1579",
      "P00   INFO: backup command end: completed successfully (2508ms)",
    ].join("\n");
    expect(commandFigures(backupLog, "backup")).toEqual({ bytes: 37.1 * 1024 ** 2, ms: 2508 });
    const restoreLog = ["P00   INFO: restore size = 22.3MB, file total = 966", "P00   INFO: restore command end: completed successfully (722ms)"].join("\n");
    expect(commandFigures(restoreLog, "restore")).toEqual({ bytes: 22.3 * 1024 ** 2, ms: 722 });
    expect(() => commandFigures("P00  ERROR: [056]: unable to restore", "restore")).toThrow(/no completed restore/);
  });

  it("gives MB/s and one summary line", () => {
    expect(megabytesPerSecond(100 * 1024 ** 2, 4000)).toBe(25);
    const line = backupSummaryLine({
      scale: 20,
      databaseMB: 310.4,
      backupMBps: distribution([40, 50, 60]),
      restoreMBps: distribution([80, 90, 100]),
      archiveLagMs: distribution([30_000, 45_000, 61_000]),
      archiveTimeout: "60s",
    });
    expect(line).toBe("backup: pgbench scale 20 (310.4 MB) full backup p50 50 MB/s, restore p50 90 MB/s, archive lag p50 45.0 s max 61.0 s (archive_timeout 60s)");
  });
});
