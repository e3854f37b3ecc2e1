/**
 * pulumi-docker's convergeConfig, as terraform-provider-docker v4.5.0 decides
 * it (resource_docker_service_funcs.go): a created service has converged when
 * every replica slot runs a task on an active node; an updated one when its
 * UpdateStatus says completed (or, without one, when the replicas run); a
 * rollback, a pause or a finished rollback is an error. Pure: the applier polls.
 */

/** numberedStates: the order of task states. */
const TASK_STATE_ORDER: Record<string, number> = {
  new: 1,
  allocated: 2,
  pending: 3,
  assigned: 4,
  accepted: 5,
  preparing: 6,
  ready: 7,
  starting: 8,
  running: 9,
  complete: 10,
  shutdown: 11,
  failed: 12,
  rejected: 13,
  remove: 14,
  orphaned: 15,
};

export interface TaskView {
  Slot?: number;
  NodeID?: string;
  DesiredState?: string;
  Status?: { State?: string };
}

export interface ServiceView {
  Spec?: { Mode?: { Replicated?: { Replicas?: number } } };
  UpdateStatus?: { State?: string; Message?: string };
}

const order = (state: string | undefined) => TASK_STATE_ORDER[state ?? ""] ?? 0;

/**
 * tasksBySlot: one task per slot, the one with the lowest desired state (then
 * observed state) winning, tasks on nodes that are down left out.
 */
export function tasksBySlot(tasks: TaskView[], activeNodes: Set<string>): Map<number, TaskView> {
  const bySlot = new Map<number, TaskView>();
  for (const task of tasks) {
    if (order(task.DesiredState) === 0 || order(task.Status?.State) === 0) continue;
    const existing = bySlot.get(task.Slot ?? 0);
    if (existing) {
      if (order(existing.DesiredState) < order(task.DesiredState)) continue;
      if (order(existing.DesiredState) === order(task.DesiredState) && order(existing.Status?.State) <= order(task.Status?.State)) continue;
    }
    if (task.NodeID && !activeNodes.has(task.NodeID)) continue;
    bySlot.set(task.Slot ?? 0, task);
  }
  return bySlot;
}

/** The replicated updater: running replicas against the wanted count. */
export function replicaProgress(service: ServiceView, tasks: TaskView[], activeNodes: Set<string>): { running: number; wanted: number } {
  const wanted = service.Spec?.Mode?.Replicated?.Replicas;
  if (wanted === undefined) throw new Error("no replica count (convergeConfig needs a replicated service)");
  let running = 0;
  for (const task of tasksBySlot(tasks, activeNodes).values()) {
    if (order(task.DesiredState) <= order("running") && task.Status?.State === "running") running++;
  }
  return { running, wanted };
}

export type UpdateVerdict = "completed" | "updating" | "rolling-back" | { error: string };

/** resourceDockerServiceUpdateRefreshFunc's reading of UpdateStatus. */
export function updateVerdict(status: ServiceView["UpdateStatus"]): UpdateVerdict {
  switch (status?.State) {
    case "completed":
      return "completed";
    case "rollback_started":
      return "rolling-back";
    case "rollback_completed":
      return { error: `service rollback completed: ${status.Message ?? ""}` };
    case "paused":
      return { error: `service update paused: ${status.Message ?? ""}` };
    case "rollback_paused":
      return { error: `service rollback paused: ${status.Message ?? ""}` };
    default:
      return "updating";
  }
}

/**
 * The wait between polls of retry.StateChangeConf: doubling from 100 ms,
 * never under MinTimeout (5 s for services) nor over 10 s.
 */
export function nextPollWait(previousMs: number, minTimeoutMs = 5000): number {
  return Math.min(Math.max(previousMs * 2, minTimeoutMs), 10_000);
}
