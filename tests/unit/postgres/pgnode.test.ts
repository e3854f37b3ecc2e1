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

  it("tell the entry script who they are and who their peers are, with no secret", () => {
    expect(pgnodeEnv(members[0], config)).toEqual({
      PGSWARM_NODE_NAME: "pgnode1",
      PGSWARM_NODE_ID: "1",
      PGSWARM_NODE_KIND: "data",
      PGSWARM_TOPOLOGY: "replicated",
      PGSWARM_INITIAL_PRIMARY: "pgnode2",
      PGSWARM_PEERS: "pgnode1,pgnode2",
      PGSWARM_DB_NAME: "app",
      PGSWARM_DB_USER: "app",
      PGSWARM_WAL_ARCHIVING: "on",
    });
  });

  it("the witness archives nothing: it holds only repmgr's metadata", () => {
    expect(pgnodeEnv(members[2], config)).toMatchObject({ PGSWARM_NODE_KIND: "witness", PGSWARM_NODE_ID: "99", PGSWARM_WAL_ARCHIVING: "off" });
  });
});
