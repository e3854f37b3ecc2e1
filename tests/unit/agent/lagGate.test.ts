import { judgeLag, LAG_GRACE_MS } from "../../../images/postgres/agent/lagGate";

const MB = 1024n * 1024n;

describe("the read side's lag limit", () => {
  it("a standby within the limit is routable and remembers nothing", () => {
    expect(judgeLag(MB, MB, undefined, 5000)).toEqual({ within: true });
    expect(judgeLag(0n, MB, 4000, 5000)).toEqual({ within: true });
  });

  it("a moment past the limit (a burst of WAL) keeps it routable; past it for the grace period, it leaves", () => {
    const first = judgeLag(2n * MB, MB, undefined, 10_000);
    expect(first).toEqual({ within: true, pastSince: 10_000 });
    expect(judgeLag(4n * MB, MB, first.pastSince, 10_000 + LAG_GRACE_MS - 1)).toEqual({ within: true, pastSince: 10_000 });
    expect(judgeLag(4n * MB, MB, first.pastSince, 10_000 + LAG_GRACE_MS)).toEqual({ within: false, pastSince: 10_000 });
  });

  it("back within the limit, the clock starts again at the next excursion", () => {
    expect(judgeLag(MB / 2n, MB, 10_000, 20_000)).toEqual({ within: true });
    expect(judgeLag(2n * MB, MB, undefined, 20_100)).toEqual({ within: true, pastSince: 20_100 });
  });
});
