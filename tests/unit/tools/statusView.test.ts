import { renderStatus, statusWarnings, type StatusSnapshot } from "../../../tools/lib/statusView";

const member = (name: string, overrides: Record<string, unknown> = {}) => ({
  name,
  kind: "data",
  phase: "standby",
  role: "standby",
  term: 4,
  leader: "pgnode1",
  heardLeaderMsAgo: 100,
  leaseValid: false,
  empty: false,
  busy: false,
  following: { member: "pgnode1" },
  postgres: { healthy: true, inRecovery: true, timeline: 2, lsn: "0/3000060", receiver: "streaming", lagBytes: "0" },
  ...overrides,
});
const primary = member("pgnode1", {
  phase: "primary",
  role: "primary",
  leaseValid: true,
  synchronousStandbyNames: "ANY 1 (pgnode2, pgnode3)",
  postgres: { healthy: true, inRecovery: false, timeline: 2, lsn: "0/3000060" },
});
const healthy = (): StatusSnapshot => ({
  stack: "prod",
  topology: "read-split",
  replicaMaxLagBytes: 1024 * 1024,
  members: [primary, member("pgnode2"), member("pgnode3")] as any,
  routers: [
    { service: "prod_db-rw", address: "10.0.0.7", pools: { primary: ["pgnode1"] } },
    { service: "prod_db-ro", address: "10.0.0.8", pools: { primary: ["pgnode1"], replicas: ["pgnode2", "pgnode3"] } },
  ],
  services: ["pgnode1", "pgnode2", "pgnode3", "db-rw", "db-ro"].map((part, index) => ({
    service: `prod_${part}`,
    part,
    running: [{ node: `db-${"abcab"[index]}`, since: "2026-11-25T10:00:00Z" }],
    restarts: 0,
  })),
  at: "2026-11-25T10:00:05Z",
});

describe("npm run status", () => {
  it("has nothing to warn about when every member serves, every standby streams and every router admits a primary", () => {
    expect(statusWarnings(healthy())).toEqual([]);
    const text = renderStatus(healthy());
    expect(text).toMatch(/^pgnode1\s+db-a\s+primary \(lease\)\s+primary\s+4\s+2\s+0\/3000060\s+-\s+commits wait for ANY 1 \(pgnode2, pgnode3\)$/m);
    expect(text).toMatch(/^pgnode2\s+db-b\s+standby\s+standby\s+4\s+2\s+0\/3000060\s+0 B\s+streaming from pgnode1$/m);
    expect(text).toMatch(/^db-ro\s+10\.0\.0\.8\s+primary: pgnode1; replicas: pgnode2, pgnode3$/m);
    expect(text).toMatch(/^OK: /m);
  });

  it("warns about a missing primary, an unreachable agent, a standby not streaming, lag over the limit and a member still rejoining", () => {
    const snapshot = healthy();
    snapshot.members = [
      { name: "pgnode1", unreachable: true },
      member("pgnode2", { postgres: { healthy: true, inRecovery: true, timeline: 2, receiver: "waiting", lagBytes: String(3 * 1024 * 1024) } }),
      member("pgnode3", { phase: "rejoining" }),
    ] as any;
    expect(statusWarnings(snapshot)).toEqual([
      "pgnode1: its agent does not answer",
      "no member holds the primary's lease: writes fail until one is elected",
      "pgnode2: standby not streaming (waiting)",
      "pgnode2: 3.0 MB behind the primary (limit 1.0 MB), out of db-ro",
      "pgnode3: rejoining, not serving yet",
    ]);
    expect(renderStatus(snapshot)).toMatch(/^pgnode1\s+db-a\s+\?\s+unreachable/m);
  });

  it("warns about a router with an empty pool, a router that does not answer and a service with no running task", () => {
    const snapshot = healthy();
    snapshot.routers = [
      { service: "prod_db-rw", address: "10.0.0.7", pools: { primary: [] } },
      { service: "prod_db-rw", address: "10.0.0.9" },
      { service: "prod_db-ro", address: "10.0.0.8", pools: { primary: [], replicas: ["pgnode2"] } },
    ];
    snapshot.services[2] = { ...snapshot.services[2], running: [], restarts: 3, lastError: "task: non-zero exit (1)" };
    expect(statusWarnings(snapshot)).toEqual([
      "prod_db-rw at 10.0.0.7: empty pool, it admits no primary",
      "prod_db-rw at 10.0.0.9: the router does not answer",
      "prod_pgnode3: no task running (task: non-zero exit (1))",
    ]);
  });

  it("warns when two members run as primary at once", () => {
    const snapshot = healthy();
    snapshot.members[1] = member("pgnode2", { role: "primary", phase: "fencing" }) as any;
    expect(statusWarnings(snapshot)).toContain("pgnode1 and pgnode2 both run as primary (the one without a lease is being fenced)");
  });
});

describe("npm run status: archiving and backups", () => {
  const archiver = (overrides: Record<string, unknown> = {}) => ({
    command: "/usr/local/bin/pgswarm-wal pgbackrest archive-push %p",
    archivedCount: 12,
    lastArchivedWal: "00000002000000000000000C",
    lastArchivedAt: "2026-11-25T09:59:00Z",
    failedCount: 0,
    ...overrides,
  });
  const withBackups = (archiverOverrides: Record<string, unknown> = {}, backups: Record<string, unknown> = {}): StatusSnapshot => {
    const snapshot = healthy();
    (snapshot.members[0] as any).postgres.archiver = archiver(archiverOverrides);
    snapshot.backups = {
      stanza: { ok: true, message: "ok" },
      walArchiving: true,
      backups: [{ label: "20261124-030000F", type: "full", stop: "2026-11-24T03:01:00.000Z" }],
      earliestRestorable: "2026-11-24T03:01:00.000Z",
      next: { full: "2026-11-29T03:00:00.000Z" },
      last: { full: { ok: true, startedAt: "2026-11-24T03:00:00.000Z" } },
      ...backups,
    };
    return snapshot;
  };

  it("shows the primary's archiving and the newest backup, and warns about nothing when both are fine", () => {
    const snapshot = withBackups();
    expect(statusWarnings(snapshot)).toEqual([]);
    const text = renderStatus(snapshot);
    expect(text).toMatch(/^ARCHIVING  pgnode1: pgBackRest → backup-repo; last 00000002000000000000000C at 2026-11-25T09:59:00Z; 0 failed$/m);
    expect(text).toMatch(/^BACKUPS    newest 20261124-030000F \(full\) ended 2026-11-24T03:01:00.000Z; 1 kept; restorable from 2026-11-24T03:01:00.000Z; next full 2026-11-29T03:00:00.000Z$/m);
  });

  it("warns when archiving fails, archiving is off, the repository does not answer, a backup failed or the newest is over 8 days old", () => {
    expect(statusWarnings(withBackups({ failedCount: 3, lastFailedWal: "00000002000000000000000D", lastFailedAt: "2026-11-25T10:00:00Z" }))).toEqual([
      "pgnode1: WAL archiving is failing (last failure 2026-11-25T10:00:00Z on 00000002000000000000000D; 3 failures)",
    ]);
    // A failure that archiving has since got past is history, not a warning.
    expect(statusWarnings(withBackups({ failedCount: 1, lastFailedAt: "2026-11-25T09:00:00Z" }))).toEqual([]);
    expect(statusWarnings(withBackups({ command: "/bin/true" }, { walArchiving: false }))).toEqual([
      "WAL archiving is off (database.walArchiving): no backup is taken and no point in time can be restored",
    ]);
    expect(renderStatus(withBackups({ command: "/bin/true" }, { walArchiving: false }))).toMatch(/^ARCHIVING  pgnode1: off \(\/bin\/true\)/m);
    const unreachable = healthy();
    unreachable.backups = { unreachable: true };
    expect(statusWarnings(unreachable)).toEqual(["backup-repo: the backup repository does not answer: WAL archiving and backups stall until it is back"]);
    expect(statusWarnings(withBackups({}, { last: { diff: { ok: false, startedAt: "2026-11-25T03:00:00Z", error: "no standby and no primary" } } }))).toEqual([
      "backup-repo: the last diff failed at 2026-11-25T03:00:00Z: no standby and no primary",
    ]);
    const stale = withBackups();
    stale.at = "2026-12-03T03:01:01.000Z";
    expect(statusWarnings(stale)).toEqual(["backup-repo: the newest backup (20261124-030000F) ended 2026-11-24T03:01:00.000Z, more than 8 days ago"]);
  });
});
