import type { BackupSpec } from "../../../components/contract";
import { dueBackup, dueDump, dumpFileName, expiredDumps, nextRuns } from "../../../images/postgres/agent/repo/schedule";
import { parseInfo, stanzaFiles } from "../../../images/postgres/agent/repo/repository";
import { recoverySettings, restoreArgs } from "../../../images/postgres/agent/phases/restore";

const at = (iso: string) => new Date(iso);
const schedule = { full: "0 3 * * 0", diff: "0 3 * * 1-6" };

describe("the repository's schedule", () => {
  it("a backup is due when its time passed since the last check; full wins over diff on the same minute", () => {
    expect(dueBackup(schedule, at("2026-11-26T02:59:55Z"), at("2026-11-26T03:00:00Z"))).toBe("diff");
    expect(dueBackup(schedule, at("2026-11-29T02:59:55Z"), at("2026-11-29T03:00:05Z"))).toBe("full");
    expect(dueBackup({ full: "0 3 * * *", diff: "0 3 * * *" }, at("2026-11-26T02:59:55Z"), at("2026-11-26T03:00:00Z"))).toBe("full");
    expect(dueBackup(schedule, at("2026-11-26T03:00:00Z"), at("2026-11-26T03:00:05Z"))).toBeUndefined();
    expect(dueBackup({ full: "0 3 * * 0" }, at("2026-11-26T02:59:55Z"), at("2026-11-26T03:00:05Z"))).toBeUndefined();
  });

  it("dumps follow their own schedule, none when it is off", () => {
    const dumps: BackupSpec["dumps"] = { schedule: "30 2 * * *", keep: 7, database: "app", user: "app_ro", credential: "reader", host: "db-ro" };
    expect(dueDump(dumps, at("2026-11-26T02:29:58Z"), at("2026-11-26T02:30:03Z"))).toBe(true);
    expect(dueDump({ ...dumps, schedule: undefined }, at("2026-11-26T02:29:58Z"), at("2026-11-26T02:30:03Z"))).toBe(false);
  });

  it("keeps the newest dumps by name (their UTC time), ignores partial files", () => {
    const files = ["app-20261124T023000Z.dump", "app-20261126T023000Z.dump", "app-20261125T023000Z.dump", "app-20261127T023000Z.dump.partial"];
    expect(expiredDumps(files, 2)).toEqual(["app-20261124T023000Z.dump"]);
    expect(expiredDumps(files, 5)).toEqual([]);
    expect(dumpFileName("app", at("2026-11-26T02:30:00.123Z"))).toBe("app-20261126T023000Z.dump");
  });

  it("tells status when each job runs next", () => {
    const spec = { schedule, dumps: { schedule: "30 2 * * *" } } as BackupSpec;
    expect(nextRuns(spec, at("2026-11-26T02:00:00Z"))).toEqual({
      full: "2026-11-29T03:00:00.000Z",
      diff: "2026-11-26T03:00:00.000Z",
      dump: "2026-11-26T02:30:00.000Z",
    });
  });
});

describe("a restore", () => {
  it("asks pgBackRest for the newest backup before the target, from the source repository's configuration", () => {
    expect(restoreArgs({ from: "prod", time: "2026-11-26T03:00:00Z", targetTime: "2026-11-26 03:00:00+00" })).toEqual([
      "--config=/etc/pgswarm/pgbackrest-restore.conf",
      "--stanza=pgswarm",
      "--type=time",
      "--target=2026-11-26 03:00:00+00",
      "--target-action=promote",
      "--target-timeline=latest",
      "--log-level-console=info",
      "restore",
    ]);
    // pgBackRest refuses a target action without a target: the end of the archive promotes by itself.
    expect(restoreArgs({ from: "prod", time: "latest" })).toEqual([
      "--config=/etc/pgswarm/pgbackrest-restore.conf",
      "--stanza=pgswarm",
      "--type=default",
      "--target-timeline=latest",
      "--log-level-console=info",
      "restore",
    ]);
  });

  it("recovers to the target inclusively, then promotes; WAL comes from the source repository", () => {
    expect(recoverySettings("2026-11-26 03:00:00+00")).toMatchSnapshot();
    expect(recoverySettings(undefined)).not.toMatch(/recovery_target_time =/);
  });
});

describe("a restarted repository", () => {
  it("knows its stanza exists from pgBackRest's two info files, without asking the primary", () => {
    expect(stanzaFiles("/var/lib/pgbackrest/repo", "pgswarm")).toEqual([
      "/var/lib/pgbackrest/repo/archive/pgswarm/archive.info",
      "/var/lib/pgbackrest/repo/backup/pgswarm/backup.info",
    ]);
  });
});

describe("pgbackrest info", () => {
  it("gives the backups with their times and WAL range, and the archive's range", () => {
    const info = parseInfo(
      JSON.stringify([
        {
          name: "pgswarm",
          archive: [{ id: "17-1", min: "000000010000000000000001", max: "000000020000000000000009" }],
          backup: [
            {
              label: "20261126-014630F",
              type: "full",
              timestamp: { start: 1795657590, stop: 1795657592 },
              info: { size: 23421978, repository: { size: 3014280 } },
              archive: { start: "000000010000000000000003", stop: "000000010000000000000003" },
            },
          ],
        },
      ]),
    );
    expect(info).toEqual({
      backups: [
        {
          label: "20261126-014630F",
          type: "full",
          start: "2026-11-26T01:46:30.000Z",
          stop: "2026-11-26T01:46:32.000Z",
          sizeBytes: 23421978,
          repositoryBytes: 3014280,
          wal: { start: "000000010000000000000003", stop: "000000010000000000000003" },
        },
      ],
      archive: { min: "000000010000000000000001", max: "000000020000000000000009" },
    });
  });
});

describe("the repository's metrics", () => {
  it("give each backup type's newest end, the count, failed jobs and the stanza", () => {
    const { renderMetrics } = require("../../../images/postgres/agent/repo/metrics") as typeof import("../../../images/postgres/agent/repo/metrics");
    const backup = (label: string, type: string, stop: string) => ({ label, type, start: stop, stop, sizeBytes: 1, repositoryBytes: 1, wal: { start: "", stop: "" } });
    const text = renderMetrics({
      backups: [backup("a", "full", "2026-11-22T03:01:00.000Z"), backup("b", "diff", "2026-11-23T03:01:00.000Z"), backup("c", "full", "2026-11-24T03:01:00.000Z")],
      last: { diff: { kind: "diff", ok: false, startedAt: "", ms: 1 }, full: { kind: "full", ok: true, startedAt: "", ms: 1 } },
      stanzaOk: true,
    });
    expect(text).toContain(`pgswarm_backup_last_success_timestamp_seconds{type="full"} ${Date.parse("2026-11-24T03:01:00.000Z") / 1000}\n`);
    expect(text).toContain(`pgswarm_backup_last_success_timestamp_seconds{type="diff"} ${Date.parse("2026-11-23T03:01:00.000Z") / 1000}\n`);
    expect(text).toContain("pgswarm_backup_count 3\n");
    expect(text).toContain('pgswarm_backup_job_failed{kind="diff"} 1\npgswarm_backup_job_failed{kind="full"} 0\n');
    expect(text).toContain("pgswarm_backup_stanza_ready 1\n");
  });
});
