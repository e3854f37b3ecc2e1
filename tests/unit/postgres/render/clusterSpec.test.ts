import { validateStack } from "../../../../components/config";
import type { ClusterSpec } from "../../../../components/contract";
import { renderClusterSpec } from "../../../../components/postgres/render";
import { syncStandbyCount as synchronousCount } from "../../../../components/postgres/settings";

const stack = (database: Record<string, unknown>, topology = "replicated") =>
  validateStack(
    {
      topology,
      nodes: Object.fromEntries(["a", "b", "c", "d", "e", "w"].map((node) => [node, { backups: node !== "w" }])),
      database: {
        placement: Object.fromEntries(["a", "b", "c", "d", "e"].slice(0, Number(database.nodes ?? 1)).map((node, index) => [`pgnode${index + 1}`, node])),
        ...database,
      },
    },
    "test",
  );

describe("cluster.json", () => {
  it("lists every member with its kind and repmgr node id, the witness last", () => {
    const spec = JSON.parse(renderClusterSpec("stg", stack({ nodes: 2, witness: "w" }))) as ClusterSpec;
    expect(spec.members).toEqual([
      { name: "pgnode1", kind: "data", nodeId: 1 },
      { name: "pgnode2", kind: "data", nodeId: 2 },
      { name: "pgwitness", kind: "witness", nodeId: 99 },
    ]);
    expect(spec.initialPrimary).toBe("pgnode1");
  });

  it("carries the failover timing in milliseconds and the lag limit in bytes", () => {
    const spec = JSON.parse(renderClusterSpec("stg", stack({ nodes: 3, failover: { heartbeat: "200ms", timeout: "2s" }, replicaMaxLag: "1MB" }))) as ClusterSpec;
    expect([spec.heartbeatMs, spec.timeoutMs, spec.replicaMaxLagBytes]).toEqual([200, 2000, 1048576]);
  });

  it("names the forced primary only when the operator set the cold-start override", () => {
    expect(JSON.parse(renderClusterSpec("stg", stack({ nodes: 3 }))) as ClusterSpec).not.toHaveProperty(["forcePrimary"]);
    const forced = JSON.parse(renderClusterSpec("stg", stack({ nodes: 3, failover: { forcePrimary: "pgnode2" } }))) as ClusterSpec;
    expect(forced.forcePrimary).toBe("pgnode2");
  });

  it("keeps the managed roles with the credential each password comes from (none for the logins: the keeper sets theirs), never a password", () => {
    const text = renderClusterSpec("stg", stack({ nodes: 3, user: "shop" }));
    const spec = JSON.parse(text) as ClusterSpec;
    expect(spec.roles.map((role) => [role.name, role.credential])).toEqual([
      ["postgres", "superuser"],
      ["repmgr", "replication"],
      ["pgswarm_monitor", "monitor"],
      ["shop", undefined],
      ["shop_b", undefined],
      ["pgswarm_exporter", "exporter"],
      ["shop_ro", undefined],
      ["shop_ro_b", undefined],
    ]);
    expect(text).not.toMatch(/password/i);
  });
});

describe("how many standbys a commit waits for", () => {
  it("is voters minus a majority, so any majority that elects a successor holds every commit", () => {
    // 2 data + witness: 3 voters, majority 2 → 1; 3 data → 1; 4 → 1; 5 → 2; 7 → 3.
    expect(synchronousCount(stack({ nodes: 2, witness: "w" }))).toBe(1);
    expect(synchronousCount(stack({ nodes: 3 }))).toBe(1);
    expect(synchronousCount(stack({ nodes: 4 }))).toBe(1);
    expect(synchronousCount(stack({ nodes: 5 }))).toBe(2);
  });

  it("is zero when asynchronous or standalone", () => {
    expect(synchronousCount(stack({ nodes: 3, synchronous: "off" }))).toBe(0);
    expect(synchronousCount(stack({ nodes: 1 }, "standalone"))).toBe(0);
  });
});
