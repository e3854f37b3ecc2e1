import { Poller } from "../../../images/postgres/agent/poller";

/** A source whose answers the test hands out one by one, on a clock the test moves. */
function controlled() {
  let clock = 0;
  const pending: Array<(answer: string | undefined) => void> = [];
  const waits: Array<() => void> = [];
  const poller = new Poller<string>(
    () => new Promise((resolve) => pending.push(resolve)),
    500,
    () => clock,
    () => new Promise((resolve) => waits.push(resolve)),
  );
  const flush = () => new Promise((resolve) => setImmediate(resolve));
  return {
    poller,
    advance: (ms: number) => (clock += ms),
    answer: async (value: string | undefined) => {
      pending.shift()!(value);
      await flush();
    },
    nextRound: async () => {
      waits.shift()!();
      await flush();
    },
  };
}

describe("a polled source", () => {
  it("gives its latest answer at once while the next question is young", async () => {
    const source = controlled();
    void source.poller.run();
    expect(source.poller.latest(1000)).toBeUndefined();
    await source.answer("primary");
    await source.poller.first;
    expect(source.poller.latest(1000)).toBe("primary");
    await source.nextRound();
    source.advance(900);
    expect(source.poller.latest(1000)).toBe("primary");
  });

  it("reads as unknown once a question has waited longer than the staleness limit (a member cut off)", async () => {
    const source = controlled();
    void source.poller.run();
    await source.answer("primary");
    await source.nextRound();
    source.advance(1001);
    expect(source.poller.latest(1000)).toBeUndefined();
    await source.answer(undefined);
    expect(source.poller.latest(1000)).toBeUndefined();
  });

  it("stops asking once stopped", async () => {
    const source = controlled();
    void source.poller.run();
    source.poller.stop();
    await source.answer("standby");
    expect(source.poller.latest(1000)).toBe("standby");
  });
});
