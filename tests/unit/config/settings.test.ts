/** database.settings and database.preloadLibraries against the managed-settings table and PostgreSQL's limits. */
import { validateStack } from "../../../components/config";
import { numericSettingProblem } from "../../../components/config/pgValues";
import { MANAGED_SETTINGS } from "../../../components/postgres/settings";
import { edited, problemAt, problemsOf, readSplit, standalone } from "./fixtures";

const withSettings = (settings: Record<string, unknown>, make = readSplit) => edited(make, (raw) => (raw.database.settings = settings));
const sampleValue = (name: string) => (name === "wal_level" ? "minimal" : "x");

describe("settings pgswarm manages", () => {
  const fixed = MANAGED_SETTINGS.filter((setting) => setting.kind === "fixed");

  it.each(fixed.map((setting) => [setting.name, setting.refusal!]))("refuses %s, saying why and what to set instead", (name, refusal) => {
    expect(problemAt(withSettings({ [name]: sampleValue(name) }), `database.settings.${name}`)).toBe(`pgswarm manages this setting: ${refusal}`);
  });

  it.each([
    ["archive_command", "database.walArchiving"],
    ["archive_mode", "database.walArchiving"],
    ["restore_command", "database.walArchiving"],
    ["archive_library", "database.walArchiving"],
    ["wal_receiver_timeout", "database.failover.timeout"],
    ["wal_sender_timeout", "database.failover.timeout"],
    ["synchronous_commit", "database.synchronous"],
    ["synchronous_standby_names", "database.synchronous"],
    ["shared_preload_libraries", "database.preloadLibraries"],
  ])("the refusal of %s names %s", (name, key) => expect(problemAt(withSettings({ [name]: "x" }), `database.settings.${name}`)).toContain(key));

  it.each(["primary_conninfo", "primary_slot_name", "cluster_name"])("the refusal of %s says the member agent sets it at run time", (name) =>
    expect(problemAt(withSettings({ [name]: "x" }), `database.settings.${name}`)).toMatch(/member agent sets it at run time/),
  );

  it.each(["include", "include_dir", "include_if_exists"])("refuses the directive %s", (name) =>
    expect(problemAt(withSettings({ [name]: "/etc/other.conf" }), `database.settings.${name}`)).toMatch(/include directives would bypass pgswarm's settings/),
  );

  it("lets wal_level be logical, and nothing else", () => {
    expect(validateStack(withSettings({ wal_level: "logical" }), "test").database.settings.wal_level).toBe("logical");
    expect(problemAt(withSettings({ wal_level: "minimal" }), "database.settings.wal_level")).toMatch(/only 'logical'/);
  });

  it("lets the stack override every default", () => {
    const defaults = MANAGED_SETTINGS.filter((setting) => setting.kind === "default");
    const overrides = Object.fromEntries(defaults.map((setting) => [setting.name, setting.value!(validateStack(readSplit(), "test"))]));
    expect(Object.keys(overrides)).toEqual(expect.arrayContaining(["max_wal_senders", "archive_timeout", "tcp_keepalives_idle", "log_line_prefix"]));
    expect(() => validateStack(withSettings(overrides), "test")).not.toThrow();
  });

  it("needs WAL senders and slots for every member: at least database.nodes + 2", () => {
    const raw = withSettings({ max_wal_senders: 4, max_replication_slots: "5" });
    expect(problemsOf(raw)).toEqual([
      { path: "database.settings.max_wal_senders", message: "expected at least 5 (database.nodes + 2: one for every standby, plus clones and rewinds), found 4" },
    ]);
    expect(() => validateStack(withSettings({ max_wal_senders: 3 }, standalone), "test")).not.toThrow();
  });
});

describe("settings PostgreSQL would refuse at start-up", () => {
  it.each([
    ["statement_timeout", "30 days", /a unit PostgreSQL knows for this setting \(us, ms, s, min, h or d; case matters\)/],
    ["lock_timeout", "3000000s", /from 0ms to 2147483647ms \(PostgreSQL's range for lock_timeout\)/],
    ["idle_session_timeout", 2147483648, /from 0ms to 2147483647ms/],
    ["checkpoint_timeout", "10", /from 30s to 86400s/],
    ["work_mem", "64KB", /B, kB, MB, GB or TB; case matters/],
    ["shared_buffers", "64kB", /from 128kB to/],
    ["max_connections", 0, /from 1 to 262143/],
    ["deadlock_timeout", true, /expected a number/],
  ])("%s = %p", (name, value, message) => {
    expect(problemAt(withSettings({ [name]: value }), `database.settings.${name}`)).toMatch(message);
    expect(problemAt(withSettings({ [name]: value }), `database.settings.${name}`)).toMatch(/, found /);
  });

  it.each([
    ["statement_timeout", "30s"],
    ["statement_timeout", "1d"],
    ["statement_timeout", 0],
    ["lock_timeout", "2147483647ms"],
    ["checkpoint_timeout", "30min"],
    ["shared_buffers", "4GB"],
    ["shared_buffers", 16384],
    ["work_mem", "64 MB"],
    ["max_slot_wal_keep_size", -1],
    ["log_min_duration_statement", "250ms"],
    ["tcp_keepalives_count", "0x10"],
  ])("accepts %s = %p", (name, value) => expect(numericSettingProblem(name, value)).toBeUndefined());

  it("suggests the setting a misspelt name was meant to be", () => {
    const raw = withSettings({ shared_buffer: "1GB", archive_comand: "x", statment_timeout: "1s" });
    expect(problemsOf(raw).sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: "database.settings.archive_comand", message: "not a PostgreSQL setting; did you mean archive_command?" },
      { path: "database.settings.shared_buffer", message: "not a PostgreSQL setting; did you mean shared_buffers?" },
      { path: "database.settings.statment_timeout", message: "not a PostgreSQL setting; did you mean statement_timeout?" },
    ]);
  });

  it("accepts settings it has no table for, and extension settings", () => {
    const settings = { jit: false, random_page_cost: 1.1, search_path: '"$user", public', "pg_stat_statements.max": 10000, "auto_explain.log_min_duration": "1s" };
    expect(validateStack(withSettings(settings), "test").database.settings).toEqual(settings);
  });

  it.each([["Shared_Buffers"], ["a.b.c"], ["1st"], ["work-mem"], [".x"]])("refuses the name %p", (name) =>
    expect(problemAt(withSettings({ [name]: 1 }), `database.settings.${name}`)).toMatch(/^invalid name: expected a PostgreSQL setting name/),
  );

  it.each([["a\nb"], ["tab\t"], ["nul\u0000"]])("refuses a value with a control character (%p), which postgresql.conf cannot hold", (value) =>
    expect(problemAt(withSettings({ application_name: value }), "database.settings.application_name")).toMatch(
      /^expected a value without control characters \(newline, tab, NUL...\): postgresql.conf cannot hold them, found the string/,
    ),
  );
});

describe("settings against the member's resources", () => {
  it("refuses shared_buffers that do not fit in database.resources.memory", () => {
    const limited = (sharedBuffers: unknown) =>
      edited(readSplit, (r) => {
        r.database.resources = { memory: "2GiB" };
        r.database.settings = { shared_buffers: sharedBuffers };
      });
    const raw = limited("2GB");
    expect(problemsOf(raw)).toEqual([
      {
        path: "database.settings.shared_buffers",
        message: 'expected less than database.resources.memory (2GiB), found the string "2GB": shared memory must fit in the member\'s memory limit',
      },
    ]);
    expect(() => validateStack(limited("512MB"), "test")).not.toThrow();
    // A bare number counts 8kB blocks: 131072 blocks are 1GB.
    expect(() => validateStack(limited(131072), "test")).not.toThrow();
    expect(problemsOf(limited(262144))).toHaveLength(1);
  });
});

describe("database.preloadLibraries", () => {
  it("takes library names after pgswarm's own; not repmgr, not twice, nothing that breaks the list", () => {
    const raw = edited(readSplit, (r) => (r.database.preloadLibraries = ["pg_stat_statements", "repmgr", "pg_stat_statements"]));
    expect(problemsOf(raw)).toEqual([
      { path: "database.preloadLibraries[1]", message: expect.stringMatching(/pgswarm preloads repmgr itself/) },
      { path: "database.preloadLibraries[2]", message: "pg_stat_statements is already listed" },
    ]);
    expect(problemAt(edited(readSplit, (r) => (r.database.preloadLibraries = ["a,b"])), "database.preloadLibraries[0]")).toMatch(
      /^expected a library name such as pg_stat_statements/,
    );
  });
});
