/**
 * The shape every DB member's service must keep (DESIGN: "one replica pinned
 * by node label, own volume, dnsrr, stop-first"): each rule its own policy, so
 * a violation names exactly what is wrong.
 */
import * as docker from "@pulumi/docker";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import type { Unwrap } from "@pulumi/pulumi";
import { DATA_DIR, ROLES, slotLabelKey, witnessLabelKey } from "../components/names";
import { labelConstraints, roleOf, stackOf } from "./props";

type ServiceProps = Unwrap<docker.ServiceArgs>;

/** A rule over DB member services only (pgswarm.role=pgnode); other services are not its business. */
function dbServicePolicy(
  name: string,
  description: string,
  check: (service: ServiceProps) => string | undefined,
): ResourceValidationPolicy {
  return {
    name,
    description,
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(docker.Service, (service, _args, reportViolation) => {
      if (roleOf(service.labels) !== ROLES.pgnode) return;
      const problem = check(service);
      if (problem) reportViolation(`${service.name}: ${problem}`);
    }),
  };
}

export const dbServicePolicies: ResourceValidationPolicy[] = [
  dbServicePolicy("db-service-single-replica", "A DB service runs exactly one replicated task: two postmasters on one volume is corruption.", (service) => {
    const replicas = service.mode?.replicated?.replicas;
    if (service.mode?.global || replicas !== 1) {
      return `runs ${service.mode?.global ? "in global mode" : `${replicas ?? "an unset number of"} replicas`}; a DB service must be replicated with exactly 1 replica`;
    }
    return undefined;
  }),
  dbServicePolicy("db-service-pinned", "A DB service is pinned to one node by the pgswarm node label of its stack (its volume lives there).", (service) => {
    const stack = stackOf(service.labels) ?? "<stack>";
    const allowed = [slotLabelKey(stack), witnessLabelKey(stack)];
    const pins = labelConstraints(service.taskSpec?.placement?.constraints).filter((pin) => allowed.includes(pin.key));
    if (pins.length === 1) return undefined;
    const found = (service.taskSpec?.placement?.constraints ?? []).join(", ") || "no constraints";
    return `must be pinned by exactly one constraint node.labels.${allowed[0]} == N (or ${allowed[1]} for the witness); found ${found}`;
  }),
  dbServicePolicy("db-service-dnsrr", "A DB service uses DNS round-robin: IPVS (vip) drops idle DB sessions after 900 s.", (service) =>
    service.endpointSpec?.mode === "dnsrr" ? undefined : `endpoint mode is ${service.endpointSpec?.mode ?? "vip (the default)"}; a DB service must use dnsrr`,
  ),
  dbServicePolicy("db-service-stop-first", "A DB service updates and rolls back stop-first: never two postmasters on one volume.", (service) => {
    const update = service.updateConfig?.order;
    const rollback = service.rollbackConfig?.order;
    if (update !== "stop-first") return `updateConfig.order is ${update ?? "stop-first by Docker's default, but unset"}; set it to stop-first explicitly`;
    if (rollback !== undefined && rollback !== "stop-first") return `rollbackConfig.order is ${rollback}; a DB service must roll back stop-first`;
    return undefined;
  }),
  dbServicePolicy("db-service-volume", `A DB service keeps its data in a named volume at ${DATA_DIR}.`, (service) => {
    const mounts = service.taskSpec?.containerSpec?.mounts ?? [];
    const data = mounts.find((mount) => mount.target === DATA_DIR);
    if (!data) return `has no mount at ${DATA_DIR}; its data would die with the container`;
    if (data.type !== "volume" || !data.source) return `mounts ${DATA_DIR} as ${data.type}${data.source ? ` from ${data.source}` : " without a source"}; it must be a named volume`;
    return undefined;
  }),
];
