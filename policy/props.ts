/**
 * Reading pulumi-docker inputs as the policy engine hands them over (property
 * names as in the SDK, secrets unwrapped): labels, roles, placement.
 */
import { ROLE_LABEL, STACK_NAMESPACE_LABEL } from "../components/names";

/** pulumi-docker's type token for services (the SDK keeps its own copy internal). */
export const SERVICE_TYPE = "docker:index/service:Service";

export type LabelList = Array<{ label: string; value: string }> | undefined;

export function labelMap(labels: LabelList): Record<string, string> {
  return Object.fromEntries((labels ?? []).map(({ label, value }) => [label, value]));
}

/** pgswarm's role label of an object (pgnode, router, db-network, …), if it carries one. */
export const roleOf = (labels: LabelList) => labelMap(labels)[ROLE_LABEL];
/** The stack an object belongs to (its Docker stack namespace). */
export const stackOf = (labels: LabelList) => labelMap(labels)[STACK_NAMESPACE_LABEL];

/** `node.labels.<key> == <value>` constraints, as key/value pairs. */
export function labelConstraints(constraints: string[] | undefined): Array<{ key: string; value: string }> {
  return (constraints ?? []).flatMap((constraint) => {
    const match = /^node\.labels\.(\S+)\s*==\s*(\S+)$/.exec(constraint.trim());
    return match ? [{ key: match[1], value: match[2] }] : [];
  });
}
