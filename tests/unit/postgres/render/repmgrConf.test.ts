import { validateStack } from "../../../../components/config";
import { dbMembers } from "../../../../components/postgres";
import { renderRepmgrConf } from "../../../../components/postgres/render";

const config = validateStack(
  {
    topology: "replicated",
    nodes: { a: { backups: true }, b: { backups: true }, w: {} },
    database: { nodes: 2, witness: "w", placement: { pgnode1: "a", pgnode2: "b" } },
  },
  "test",
);
const members = dbMembers("stg", config);
const value = (conf: string, key: string) => conf.match(new RegExp(`^${key} = (.*)$`, "m"))?.[1];

describe("repmgr.conf", () => {
  it("identifies each member by its slot and reaches it by its name on the DB network", () => {
    const conf = renderRepmgrConf(members[1]);
    expect(value(conf, "node_id")).toBe("2");
    expect(value(conf, "node_name")).toBe("'pgnode2'");
    expect(value(conf, "conninfo")).toBe("'host=pgnode2 port=5432 user=repmgr dbname=repmgr connect_timeout=2'");
    expect(value(conf, "data_directory")).toBe("'/var/lib/postgresql/data/pgdata'");
  });

  it("leaves failover to the member agent: repmgr never promotes on its own", () => {
    const conf = renderRepmgrConf(members[0]);
    expect(value(conf, "failover")).toBe("'manual'");
    for (const key of ["promote_command", "follow_command", "reconnect_attempts", "child_nodes_disconnect_command"]) {
      expect(value(conf, key)).toBeUndefined();
    }
  });

  it("creates no replication slots of its own (the agent keeps one per member, named after it)", () => {
    expect(value(renderRepmgrConf(members[0]), "use_replication_slots")).toBe("off");
  });
});
