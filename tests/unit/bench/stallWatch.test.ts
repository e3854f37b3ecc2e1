/** The bench's machine-stall watcher: the summary it prints, and what it sees on a calm machine. */
import { longestOverlapping, StallWatch, summariseStalls } from "../../../bench/lib/stallWatch";

describe("summariseStalls", () => {
  it("puts the longest first and counts the sleeps of a second or more", () => {
    const at = Date.parse("2026-11-27T09:31:41.509Z");
    const report = summariseStalls(
      [
        { at, ms: 101 },
        { at: at + 1000, ms: 2342 },
        { at: at + 2000, ms: 791 },
      ],
      1,
    );
    expect(report).toEqual({
      longestMs: 2342,
      overOneSecond: 1,
      worst: [
        { at: "2026-11-27T09:31:42.509Z", ms: 2342 },
        { at: "2026-11-27T09:31:43.509Z", ms: 791 },
        { at: "2026-11-27T09:31:41.509Z", ms: 101 },
      ],
    });
  });

  it("reports nothing seen as 0", () => {
    expect(summariseStalls([], 0)).toEqual({ longestMs: 0, overOneSecond: 0, worst: [] });
  });
});

describe("StallWatch", () => {
  it("sees sleeps of about 100 ms, and no stall of a second, on a machine that is not loaded", async () => {
    const watch = new StallWatch();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const calm = await watch.stop();
    expect(calm.longestMs).toBeGreaterThanOrEqual(95);
    expect(calm.longestMs).toBeLessThan(600);
    expect(calm.overOneSecond).toBe(0);
  });
});

describe("longestOverlapping", () => {
  const stalls = [
    { at: 10_000, ms: 2_000 }, // 8 000 .. 10 000
    { at: 20_000, ms: 500 }, // 19 500 .. 20 000
    { at: 30_000, ms: 5_000 }, // 25 000 .. 30 000
  ];

  it.each([
    ["a span inside one stall", 8_500, 9_000, 2_000],
    ["a span that a stall's start falls into", 24_000, 26_000, 5_000],
    ["a span that a stall's end falls into", 9_900, 12_000, 2_000],
    ["a span over two stalls: the longer", 9_000, 19_600, 2_000],
    ["a span over all three", 0, 40_000, 5_000],
    ["a span between stalls", 10_001, 19_499, 0],
    ["a span after every stall", 30_001, 40_000, 0],
  ])("%s", (_name, from, to, expected) => {
    expect(longestOverlapping(stalls, from, to)).toBe(expected);
  });
});

describe("StallWatch.longestBetween", () => {
  it("reports no stall over a span in which the machine was calm", async () => {
    const watch = new StallWatch();
    const from = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await watch.longestBetween(from, Date.now())).toBe(0);
    await watch.stop();
  });
});
