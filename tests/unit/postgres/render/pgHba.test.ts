import { renderPgHba } from "../../../../components/postgres/render";

describe("pg_hba.conf", () => {
  const rows = renderPgHba("10.201.7.0/24")
    .split("\n")
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => line.split(/\s+/));

  it("admits network clients only from the DB network, only with scram-sha-256", () => {
    const network = rows.filter((row) => row[0] === "host" && row[4] !== "reject");
    expect(network.length).toBeGreaterThan(0);
    for (const row of network) {
      expect(row[3]).toBe("10.201.7.0/24");
      expect(row[4]).toBe("scram-sha-256");
    }
  });

  it("rejects everything else explicitly, and never trusts", () => {
    expect(rows.slice(-2).map((row) => [row[3], row[4]])).toEqual([
      ["0.0.0.0/0", "reject"],
      ["::/0", "reject"],
    ]);
    expect(rows.some((row) => row.includes("trust") || row.includes("md5") || row.includes("password"))).toBe(false);
  });

  it("allows replication connections for the repmgr user only", () => {
    expect(rows.filter((row) => row[1] === "replication").map((row) => row[2])).toEqual(["repmgr"]);
  });
});
