import { addressedTo } from "../../../images/postgres/agent/api";

describe("an authenticated request to an agent", () => {
  it("is for this member only when its Host header names it (with or without a port)", () => {
    expect(addressedTo({ headers: { host: "pgnode2" } }, "pgnode2")).toBe(true);
    expect(addressedTo({ headers: { host: "pgnode2:8008" } }, "pgnode2")).toBe(true);
  });

  it("is refused when it was meant for another member (a stale address another member now holds)", () => {
    expect(addressedTo({ headers: { host: "pgnode3" } }, "pgnode2")).toBe(false);
    expect(addressedTo({ headers: {} }, "pgnode2")).toBe(false);
  });
});
