/** convergeConfig's decisions, as terraform-provider-docker v4.5.0 makes them. */
import { nextPollWait, replicaProgress, tasksBySlot, updateVerdict, type TaskView } from "../../harness/converge";
import { convergeSettings } from "../../harness/translate";

const task = (slot: number, desired: string, state: string, node = "n1"): TaskView => ({ Slot: slot, DesiredState: desired, Status: { State: state }, NodeID: node });
const replicated = (replicas: number) => ({ Spec: { Mode: { Replicated: { Replicas: replicas } } } });
const active = new Set(["n1", "n2"]);

describe("replica progress", () => {
  it("counts slots whose task runs", () => {
    expect(replicaProgress(replicated(2), [task(1, "running", "running"), task(2, "running", "starting")], active)).toEqual({ running: 1, wanted: 2 });
    expect(replicaProgress(replicated(2), [task(1, "running", "running"), task(2, "running", "running", "n2")], active)).toEqual({ running: 2, wanted: 2 });
  });

  it("per slot, the task with the lower desired state wins: a stop-first update's new task, not the old one still running", () => {
    const slot = [task(1, "shutdown", "running"), task(1, "running", "preparing")];
    expect(tasksBySlot(slot, active).get(1)?.Status?.State).toBe("preparing");
    expect(replicaProgress(replicated(1), slot, active).running).toBe(0);
  });

  it("with equal desired states, the less advanced observed state wins (start-first)", () => {
    expect(tasksBySlot([task(1, "running", "running"), task(1, "running", "starting")], active).get(1)?.Status?.State).toBe("starting");
  });

  it("leaves out tasks on nodes that are down", () => {
    expect(replicaProgress(replicated(1), [task(1, "running", "running", "gone")], active).running).toBe(0);
  });

  it("needs a replicated service", () => expect(() => replicaProgress({ Spec: { Mode: {} } }, [], active)).toThrow(/no replica count/));
});

describe("an update's status", () => {
  it.each([
    [undefined, "updating"],
    [{ State: "updating" }, "updating"],
    [{ State: "completed" }, "completed"],
    [{ State: "rollback_started" }, "rolling-back"],
    [{ State: "rollback_completed", Message: "update rolled back" }, { error: "service rollback completed: update rolled back" }],
    [{ State: "paused", Message: "task failed" }, { error: "service update paused: task failed" }],
    [{ State: "rollback_paused", Message: "x" }, { error: "service rollback paused: x" }],
  ])("%j → %j", (status, verdict) => expect(updateVerdict(status)).toEqual(verdict));
});

describe("timing", () => {
  it("polls after 5 s, then every 10 s (retry.StateChangeConf with MinTimeout 5 s)", () => {
    const waits: number[] = [];
    for (let wait = 100, poll = 0; poll < 4; poll++) waits.push((wait = nextPollWait(wait)));
    expect(waits).toEqual([5000, 10_000, 10_000, 10_000]);
  });

  it("first check after `delay` (7 s by default) on create, always 7 s on update; gives up after `timeout` (3 m by default)", () => {
    expect(convergeSettings({}, "create")).toEqual({ delayMs: 7000, timeoutMs: 180_000 });
    expect(convergeSettings({ delay: "2s", timeout: "10m" }, "create")).toEqual({ delayMs: 2000, timeoutMs: 600_000 });
    expect(convergeSettings({ delay: "2s", timeout: "1m" }, "update")).toEqual({ delayMs: 7000, timeoutMs: 60_000 });
  });
});
