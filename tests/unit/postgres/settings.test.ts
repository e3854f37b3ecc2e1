/** The table of settings pgswarm manages, and the synchronous quorum the member agent sets from it. */
import { validateStack } from "../../../components/config";
import { MANAGED_SETTINGS, settingRefusal, syncStandbyCount, synchronousStandbyNames } from "../../../components/postgres/settings";

const cluster = (topology: string, nodes: number, extra: Record<string, unknown> = {}) => {
  const names = Array.from({ length: nodes }, (_, i) => `n${i + 1}`);
  return validateStack(
    {
      topology,
      nodes: { ...Object.fromEntries(names.map((name) => [name, { backups: true }])), w: {} },
      database: { nodes, placement: Object.fromEntries(names.map((name, i) => [`pgnode${i + 1}`, name])), ...extra },
    },
    "test",
  );
};

describe("syncStandbyCount: a commit on the primary and k standbys survives any single failure under majority votes", () => {
  it.each([
    // [data nodes, witness, k]: V voters, majority M = floor(V/2) + 1, k = max(1, V - M)
    [2, true, 1],
    [3, false, 1],
    [4, false, 1],
    [5, false, 2],
    [6, false, 2],
    [7, false, 3],
    [9, false, 4],
  ])("%i data nodes, witness %p: %i", (nodes, witness, count) => {
    const config = cluster("replicated", nodes, witness ? { witness: "w" } : {});
    expect(syncStandbyCount(config)).toBe(count);
    expect(synchronousStandbyNames(config)).toBe(`ANY ${count} (${Array.from({ length: nodes }, (_, i) => `pgnode${i + 1}`).join(", ")})`);
  });

  it("is 0, with no names, for standalone or synchronous: off", () => {
    expect(syncStandbyCount(cluster("standalone", 1))).toBe(0);
    expect(synchronousStandbyNames(cluster("standalone", 1))).toBe("");
    expect(syncStandbyCount(cluster("read-split", 3, { synchronous: "off" }))).toBe(0);
    expect(synchronousStandbyNames(cluster("read-split", 3, { synchronous: "off" }))).toBe("");
  });

  it("never asks for more standbys than there are", () => {
    for (let nodes = 2; nodes <= 9; nodes++) {
      const config = cluster("replicated", nodes, nodes === 2 ? { witness: "w" } : {});
      expect(syncStandbyCount(config)).toBeLessThanOrEqual(nodes - 1);
    }
  });
});

describe("the managed-settings table", () => {
  it("names each setting once", () => {
    const names = MANAGED_SETTINGS.map((setting) => setting.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("gives every fixed setting a refusal, and every default a value", () => {
    for (const setting of MANAGED_SETTINGS) {
      if (setting.kind === "fixed") expect(setting.refusal).toMatch(/\w/);
      else expect(typeof setting.value).toBe("function");
    }
  });

  it("holds the brief's entries with their kinds", () => {
    const kinds = Object.fromEntries(MANAGED_SETTINGS.map((setting) => [setting.name, `${setting.kind}${setting.value ? "" : " (not rendered)"}`]));
    expect(kinds).toMatchObject({
      listen_addresses: "fixed",
      port: "fixed",
      hba_file: "fixed",
      data_directory: "fixed (not rendered)",
      config_file: "fixed (not rendered)",
      ident_file: "fixed (not rendered)",
      password_encryption: "fixed",
      wal_level: "fixed",
      wal_log_hints: "fixed",
      hot_standby: "fixed",
      archive_mode: "fixed",
      archive_command: "fixed",
      restore_command: "fixed",
      wal_receiver_timeout: "fixed",
      wal_sender_timeout: "fixed",
      synchronous_standby_names: "fixed (not rendered)",
      primary_conninfo: "fixed (not rendered)",
      primary_slot_name: "fixed (not rendered)",
      cluster_name: "fixed (not rendered)",
      synchronous_commit: "fixed (not rendered)",
      shared_preload_libraries: "fixed",
      default_transaction_read_only: "fixed (not rendered)",
      recovery_target_time: "fixed (not rendered)",
      promote_trigger_file: "fixed (not rendered)",
      include: "fixed (not rendered)",
      include_dir: "fixed (not rendered)",
      include_if_exists: "fixed (not rendered)",
      max_wal_senders: "default",
      max_replication_slots: "default",
      wal_retrieve_retry_interval: "default",
      wal_keep_size: "default",
      max_slot_wal_keep_size: "default",
      archive_timeout: "default",
      hot_standby_feedback: "default",
      log_destination: "default",
      logging_collector: "default",
      log_line_prefix: "default",
      log_connections: "default",
      tcp_keepalives_idle: "default",
      tcp_keepalives_interval: "default",
      tcp_keepalives_count: "default",
    });
  });

  it("answers the validator and the renderer alike: refused, allowed, or checked", () => {
    const config = cluster("read-split", 3);
    expect(settingRefusal("archive_command", "cp %p /x", config)).toMatch(/database\.walArchiving/);
    expect(settingRefusal("wal_level", "logical", config)).toBeUndefined();
    expect(settingRefusal("wal_level", "minimal", config)).toMatch(/only 'logical'/);
    expect(settingRefusal("max_wal_senders", 4, config)).toMatch(/at least 5/);
    expect(settingRefusal("max_wal_senders", 5, config)).toBeUndefined();
    expect(settingRefusal("work_mem", "64MB", config)).toBeUndefined();
  });
});
