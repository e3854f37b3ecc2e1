/** Freshest: status --watch's view of Swarm's task list, which must never hold back the agents' answer. */
import { Freshest } from "../../../tools/lib/freshest";

const later = <T>() => {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((ok, fail) => ((resolve = ok), (reject = fail)));
  return { promise, resolve, reject };
};

describe("Freshest", () => {
  it("waits for the first value up to its first wait", async () => {
    const freshest = new Freshest(async () => "tasks", () => undefined, 10, 1000);
    await expect(freshest.current()).resolves.toBe("tasks");
  });

  it("gives up on a first read that stalls after its first wait, with nothing known", async () => {
    const stalled = later<string>();
    const freshest = new Freshest(() => stalled.promise, () => undefined, 10, 50);
    const started = Date.now();
    await expect(freshest.current()).resolves.toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it("once a value is known, a stalled read costs only the fresh wait and the known value is shown", async () => {
    const reads = [later<string>(), later<string>()];
    let count = 0;
    const freshest = new Freshest(() => reads[count++].promise, () => undefined, 20, 5000);
    const first = freshest.current();
    reads[0].resolve("old list");
    await expect(first).resolves.toBe("old list");
    const started = Date.now();
    await expect(freshest.current()).resolves.toBe("old list");
    expect(Date.now() - started).toBeLessThan(1000);
    // The stalled read is not asked again while it is in flight; when it ends, its value is the one shown.
    await expect(freshest.current()).resolves.toBe("old list");
    expect(count).toBe(2);
    reads[1].resolve("new list");
    await reads[1].promise;
    await new Promise((resolve) => setImmediate(resolve));
    reads.push(later<string>());
    await expect(freshest.current()).resolves.toBe("new list");
    expect(count).toBe(3);
  });

  it("reports a failed read and keeps the last value", async () => {
    const errors: string[] = [];
    let fail = false;
    const freshest = new Freshest(async () => {
      if (fail) throw new Error("no manager answers");
      return "list";
    }, (error) => errors.push(error.message), 1000, 1000);
    await expect(freshest.current()).resolves.toBe("list");
    fail = true;
    await expect(freshest.current()).resolves.toBe("list");
    expect(errors).toEqual(["no manager answers"]);
  });
});
