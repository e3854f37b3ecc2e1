import { sourceConninfo } from "../../../images/postgres/agent/phases/rejoin";

describe("the rewind's source", () => {
  it("is reached by the address the agent resolved, so libpq does not wait on Docker's DNS after a partition", () => {
    expect(sourceConninfo("pgnode2", "10.0.1.7")).toBe("host=pgnode2 hostaddr=10.0.1.7 port=5432 user=repmgr dbname=postgres connect_timeout=3");
  });

  it("falls back to the name when no address is known", () => {
    expect(sourceConninfo("pgnode2")).toBe("host=pgnode2 port=5432 user=repmgr dbname=postgres connect_timeout=3");
  });
});
