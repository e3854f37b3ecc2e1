import { validateStack } from "../../../components/config";
import { dbMembers, pgnodeEnv, placementConstraint } from "../../../components/postgres";

const config = validateStack(
  {
    topology: "replicated",
    nodes: { a: { backups: true }, b: { backups: true }, w: {} },
    database: { nodes: 2, witness: "w", placement: { pgnode1: "a", pgnode2: "b" }, initialPrimary: "pgnode2" },
  },
  "test",
);
const members = dbMembers("stg", config);

describe("DB members", () => {
  it("are the data slots plus the witness, each pinned by its own label", () => {
    expect(members.map((member) => [member.name, member.swarmNode, placementConstraint(member)])).toEqual([
      ["pgnode1", "a", "node.labels.pgswarm.stg.pgnode == 1"],
      ["pgnode2", "b", "node.labels.pgswarm.stg.pgnode == 2"],
      ["pgwitness", "w", "node.labels.pgswarm.stg.witness == true"],
    ]);
    expect(members.filter((member) => member.initialPrimary).map((member) => member.name)).toEqual(["pgnode2"]);
  });

  it("tell the member agent only who they are: the cluster comes from cluster.json, and no secret", () => {
    expect(pgnodeEnv(members[0])).toEqual({ PGSWARM_NODE_NAME: "pgnode1" });
    expect(pgnodeEnv(members[2])).toEqual({ PGSWARM_NODE_NAME: "pgwitness" });
  });
});
