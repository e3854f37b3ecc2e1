import { validateStack } from "../../../../components/config";
import { RUNTIME_CONF } from "../../../../components/contract";
import {
  ARCHIVE_COMMAND_OFF,
  ARCHIVE_COMMAND_ON,
  confValue,
  renderPostgresqlConf,
  RESTORE_COMMAND_ON,
} from "../../../../components/postgres/render";
import { MANAGED_SETTINGS } from "../../../../components/postgres/settings";

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

/** Every `name = value` line, in order. */
const entries = (conf: string) =>
  conf
    .split("\n")
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => /^(\S+) = (.*)$/.exec(line)!.slice(1, 3) as [string, string]);
const setting = (conf: string, name: string) => {
  const found = entries(conf).filter(([key]) => key === name);
  if (found.length > 1) throw new Error(`${name} is set ${found.length} times`);
  return found[0]?.[1];
};

describe("postgresql.conf", () => {
  it("archives WAL through pgBackRest by default, and swaps in /bin/true when off (no restart needed)", () => {
    const on = renderPostgresqlConf(stack("standalone"));
    // pgBackRest's backup and check refuse an archive_command that does not contain "pgbackrest".
    expect(setting(on, "archive_command")).toBe("'/usr/local/bin/pgswarm-wal pgbackrest archive-push %p'");
    expect(setting(on, "restore_command")).toBe(`'/usr/local/bin/pgswarm-wal pgbackrest archive-get %f "%p"'`);
    // pgBackRest through pgswarm-wal, which bounds it in time (images/postgres/pgswarm-wal.sh).
    expect(ARCHIVE_COMMAND_ON).toMatch(/pgbackrest/);
    expect(RESTORE_COMMAND_ON).toMatch(/pgbackrest/);
    const off = renderPostgresqlConf(stack("standalone", { walArchiving: "off" }));
    expect(setting(off, "archive_command")).toBe(`'${ARCHIVE_COMMAND_OFF}'`);
    expect(setting(off, "restore_command")).toBe("''");
    expect(setting(off, "archive_mode")).toBe("on");
  });

  it("keeps what failover and rewind need", () => {
    const conf = renderPostgresqlConf(stack("replicated"));
    expect(setting(conf, "wal_level")).toBe("'replica'");
    expect(setting(conf, "wal_log_hints")).toBe("on");
    expect(setting(conf, "full_page_writes")).toBe("on");
    expect(setting(conf, "hot_standby")).toBe("on");
    expect(setting(conf, "password_encryption")).toBe("'scram-sha-256'");
    expect(setting(conf, "hba_file")).toBe("'/etc/pgswarm/pg_hba.conf'");
    expect(setting(conf, "listen_addresses")).toBe("'*'");
    expect(setting(conf, "port")).toBe("5432");
  });

  it("preloads repmgr only where members replicate, then the stack's own libraries", () => {
    expect(setting(renderPostgresqlConf(stack("standalone")), "shared_preload_libraries")).toBe("''");
    expect(setting(renderPostgresqlConf(stack("replicated")), "shared_preload_libraries")).toBe("'repmgr'");
    const withLibraries = stack("read-split", { preloadLibraries: ["pg_stat_statements", "auto_explain"] });
    expect(setting(renderPostgresqlConf(withLibraries), "shared_preload_libraries")).toBe("'repmgr,pg_stat_statements,auto_explain'");
    expect(setting(renderPostgresqlConf(stack("standalone", { preloadLibraries: ["auto_explain"] })), "shared_preload_libraries")).toBe("'auto_explain'");
  });

  it("gives up on a silent replication peer after database.failover.timeout, never sooner than 2 s", () => {
    const conf = renderPostgresqlConf(stack("replicated", { failover: { heartbeat: "1s", timeout: "5s" } }));
    expect(setting(conf, "wal_receiver_timeout")).toBe("'5000ms'");
    expect(setting(conf, "wal_sender_timeout")).toBe("'5000ms'");
    const fast = renderPostgresqlConf(stack("replicated", { failover: { heartbeat: "100ms", timeout: "400ms" } }));
    expect(setting(fast, "wal_receiver_timeout")).toBe("'2000ms'");
    expect(setting(renderPostgresqlConf(stack("replicated")), "wal_sender_timeout")).toBe("'3000ms'");
  });

  it("keeps a standby's slot from filling the primary's disk: 64 × replicaMaxLag, at least 1GB", () => {
    expect(setting(renderPostgresqlConf(stack("read-split", { replicaMaxLag: "64MB" })), "max_slot_wal_keep_size")).toBe(`'${64 * 64 * 1024}kB'`);
    expect(setting(renderPostgresqlConf(stack("read-split", { replicaMaxLag: "1MB" })), "max_slot_wal_keep_size")).toBe(`'${1024 * 1024}kB'`);
  });

  it("drops dead clients within about 25 s", () => {
    const conf = renderPostgresqlConf(stack("standalone"));
    expect([setting(conf, "tcp_keepalives_idle"), setting(conf, "tcp_keepalives_interval"), setting(conf, "tcp_keepalives_count")]).toEqual(["10", "5", "3"]);
  });

  it("leaves what the member agent sets at run time to the runtime file, included as the very last line", () => {
    const conf = renderPostgresqlConf(stack("read-split"));
    for (const name of ["synchronous_standby_names", "synchronous_commit", "primary_conninfo", "primary_slot_name", "cluster_name"]) {
      expect(setting(conf, name)).toBeUndefined();
    }
    const lines = conf.trimEnd().split("\n");
    expect(lines[lines.length - 1]).toBe(`include_if_exists = '${RUNTIME_CONF}'`);
    expect(conf.endsWith("\n")).toBe(true);
    expect(entries(conf).filter(([name]) => name.startsWith("include"))).toEqual([["include_if_exists", `'${RUNTIME_CONF}'`]]);
  });

  it("writes fixed settings, then defaults not overridden, then database.settings, then the include", () => {
    const conf = renderPostgresqlConf(stack("replicated", { settings: { max_wal_senders: 20, shared_buffers: "1GB", wal_level: "logical" } }));
    const names = entries(conf).map(([name]) => name);
    const position = (name: string) => names.lastIndexOf(name);
    const fixedRendered = MANAGED_SETTINGS.filter((entry) => entry.kind === "fixed" && entry.value && entry.name !== "wal_level").map((entry) => entry.name);
    const defaultsKept = MANAGED_SETTINGS.filter((entry) => entry.kind === "default" && entry.name !== "max_wal_senders").map((entry) => entry.name);
    expect(names).toEqual([...fixedRendered, ...defaultsKept, "max_wal_senders", "shared_buffers", "wal_level", "include_if_exists"]);
    expect(setting(conf, "max_wal_senders")).toBe("20");
    expect(setting(conf, "wal_level")).toBe("'logical'");
    expect(position("shared_buffers")).toBeGreaterThan(position("tcp_keepalives_count"));
  });

  it("never writes a setting it refuses, nor a path or directive the stack could use to bypass it", () => {
    const conf = renderPostgresqlConf(stack("read-split"));
    const refusedOnly = MANAGED_SETTINGS.filter((entry) => !entry.value).map((entry) => entry.name);
    expect(refusedOnly).toEqual(expect.arrayContaining(["data_directory", "config_file", "ident_file", "include", "include_dir", "recovery_target_time"]));
    // The one include is pgswarm's own, last (see above).
    for (const name of refusedOnly.filter((refused) => refused !== "include_if_exists")) expect(setting(conf, name)).toBeUndefined();
    expect(setting(conf, "include_if_exists")).toBe(`'${RUNTIME_CONF}'`);
  });

  it("refuses, as a last line of defence, a stack whose settings the validator would refuse", () => {
    const config = stack("standalone");
    expect(() => renderPostgresqlConf({ ...config, database: { ...config.database, settings: { archive_command: "cp %p /x" } } })).toThrow(
      /database\.settings\.archive_command: pgswarm manages this setting: set database\.walArchiving/,
    );
    expect(() => renderPostgresqlConf({ ...config, database: { ...config.database, settings: { include: "/etc/other.conf" } } })).toThrow(/include directives/);
    expect(() => renderPostgresqlConf({ ...config, database: { ...config.database, settings: { application_name: "a\nb" } } })).toThrow(/control characters/);
  });

  it("quotes the user's values as postgresql.conf reads them: quotes doubled, backslashes escaped", () => {
    const conf = renderPostgresqlConf(
      stack("standalone", { settings: { shared_buffers: "1GB", max_connections: 300, jit: false, application_name: "it's", search_path: "a\\b" } }),
    );
    expect(setting(conf, "shared_buffers")).toBe("'1GB'");
    expect(setting(conf, "max_connections")).toBe("300");
    expect(setting(conf, "jit")).toBe("off");
    expect(setting(conf, "application_name")).toBe("'it''s'");
    expect(setting(conf, "search_path")).toBe("'a\\\\b'");
  });
});

describe("confValue", () => {
  it.each([
    [true, "on"],
    [false, "off"],
    [300, "300"],
    [-1, "-1"],
    [0.5, "0.5"],
    // PostgreSQL's lexer does not read an exponent outside quotes.
    [1e-7, "'1e-7'"],
    ["it's", "'it''s'"],
    ["C:\\dir", "'C:\\\\dir'"],
    ["", "''"],
  ])("%p → %s", (value, rendered) => expect(confValue(value)).toBe(rendered));

  it.each(["line\nbreak", "tab\there", "nul\u0000", "carriage\r"])("refuses %p: a quoted value cannot hold it", (value) =>
    expect(() => confValue(value, "application_name")).toThrow(/application_name: .*control characters/),
  );

  it("refuses a number it cannot write", () => expect(() => confValue(Number.POSITIVE_INFINITY)).toThrow(/cannot be written/));
});
