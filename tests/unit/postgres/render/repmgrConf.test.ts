import { validateStack } from "../../../../components/config";
import { dbMembers } from "../../../../components/postgres";
import { renderRepmgrConf } from "../../../../components/postgres/render";

const config = validateStack(
  {
    topology: "replicated",
    nodes: { a: { backups: true }, b: { backups: true }, w: {} },
    database: {
      nodes: 2,
      witness: "w",
      placement: { pgnode1: "a", pgnode2: "b" },
      failover: { heartbeat: "1s", timeout: "6s" },
    },
  },
  "test",
);
const members = dbMembers("stg", config);
const value = (conf: string, key: string) => conf.match(new RegExp(`^${key} = (.*)$`, "m"))?.[1];

describe("repmgr.conf", () => {
  it("identifies each member by its slot and reaches it by its name on the DB network", () => {
    const conf = renderRepmgrConf(members[1], config);
    expect(value(conf, "node_id")).toBe("2");
    expect(value(conf, "node_name")).toBe("'pgnode2'");
    expect(value(conf, "conninfo")).toBe("'host=pgnode2 port=5432 user=repmgr dbname=repmgr connect_timeout=2'");
  });

  it("takes failover timing from database.failover: about timeout before a promotion", () => {
    const conf = renderRepmgrConf(members[0], config);
    expect(value(conf, "monitor_interval_secs")).toBe("1");
    expect(value(conf, "reconnect_attempts")).toBe("3");
    expect(value(conf, "reconnect_interval")).toBe("2");
    expect(value(conf, "failover")).toBe("'automatic'");
    expect(value(conf, "promote_command")).toBe("'/usr/local/bin/pgswarm-promote'");
  });

  it("turns on the split-brain defences", () => {
    const conf = renderRepmgrConf(members[0], config);
    expect(value(conf, "primary_visibility_consensus")).toBe("on");
    expect(value(conf, "standby_disconnect_on_failover")).toBe("on");
    expect(value(conf, "child_nodes_disconnect_command")).toBe("'/usr/local/bin/pgswarm-fence'");
    expect(value(conf, "use_replication_slots")).toBe("on");
  });

  it("never promotes the witness", () => {
    const witness = members.find((member) => member.kind === "witness")!;
    expect(value(renderRepmgrConf(witness, config), "priority")).toBe("0");
    expect(value(renderRepmgrConf(members[0], config), "priority")).toBe("100");
  });
});
