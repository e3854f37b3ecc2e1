import { validateStack } from "../../../../components/config";
import { ARCHIVE_COMMAND_OFF, ARCHIVE_COMMAND_ON, renderPostgresqlConf, synchronousStandbyNames } from "../../../../components/postgres/render";

const stack = (topology: string, database: Record<string, unknown> = {}) =>
  validateStack(
    {
      topology,
      nodes: { a: { backups: true }, b: { backups: true }, c: { backups: true } },
      database: {
        nodes: topology === "standalone" ? 1 : 3,
        placement: topology === "standalone" ? { pgnode1: "a" } : { pgnode1: "a", pgnode2: "b", pgnode3: "c" },
        ...database,
      },
    },
    "test",
  );

const setting = (conf: string, name: string) => conf.match(new RegExp(`^${name} = (.*)$`, "m"))?.[1];

describe("postgresql.conf", () => {
  it("archives WAL through pgBackRest by default, and swaps in /bin/true when off (no restart needed)", () => {
    expect(setting(renderPostgresqlConf(stack("standalone")), "archive_command")).toBe(`'${ARCHIVE_COMMAND_ON}'`);
    const off = renderPostgresqlConf(stack("standalone", { walArchiving: "off" }));
    expect(setting(off, "archive_command")).toBe(`'${ARCHIVE_COMMAND_OFF}'`);
    expect(setting(off, "archive_mode")).toBe("on");
  });

  it("keeps what failover and rewind need", () => {
    const conf = renderPostgresqlConf(stack("replicated"));
    expect(setting(conf, "wal_level")).toBe("'replica'");
    expect(setting(conf, "wal_log_hints")).toBe("on");
    expect(setting(conf, "hot_standby")).toBe("on");
    expect(setting(conf, "shared_preload_libraries")).toBe("'repmgr'");
    expect(setting(conf, "password_encryption")).toBe("'scram-sha-256'");
    expect(setting(conf, "hba_file")).toBe("'/etc/pgswarm/pg_hba.conf'");
  });

  it("lets standbys notice a dead primary within the failover timing, not PostgreSQL's 60 s", () => {
    const conf = renderPostgresqlConf(stack("replicated", { failover: { timeout: "4s" } }));
    expect(setting(conf, "wal_receiver_timeout")).toBe("'4s'");
    expect(setting(conf, "wal_sender_timeout")).toBe("'4s'");
  });

  it("quorum commit means any one other node acknowledges, whichever node is primary", () => {
    expect(synchronousStandbyNames(stack("replicated"))).toBe("ANY 1 (pgnode1, pgnode2, pgnode3)");
    expect(synchronousStandbyNames(stack("replicated", { synchronous: "off" }))).toBe("");
    expect(synchronousStandbyNames(stack("standalone"))).toBe("");
  });

  it("appends the user's settings, quoted as postgresql.conf wants", () => {
    const conf = renderPostgresqlConf(stack("standalone", { settings: { shared_buffers: "1GB", max_connections: 300, jit: false, application_name: "it's" } }));
    expect(setting(conf, "shared_buffers")).toBe("'1GB'");
    expect(setting(conf, "max_connections")).toBe("300");
    expect(setting(conf, "jit")).toBe("off");
    expect(setting(conf, "application_name")).toBe("'it''s'");
    expect(conf.indexOf("# From database.settings")).toBeGreaterThan(conf.indexOf("# Managed by pgswarm"));
  });
});
