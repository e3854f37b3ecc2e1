/** The DB network is encrypted (IPsec between nodes) in every stack but the ones configured as exempt (dev). */
import * as docker from "@pulumi/docker";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { ROLES } from "../components/names";
import { roleOf, stackOf } from "./props";

/** Stacks whose DB network may be plain: one machine, no traffic leaves it. */
export const DEFAULT_UNENCRYPTED_STACKS = ["dev"];

export const dbNetworkEncrypted: ResourceValidationPolicy = {
  name: "db-network-encrypted",
  description: "The DB network is an encrypted overlay (IPsec between nodes) outside dev.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      unencryptedStacks: {
        type: "array",
        items: { type: "string" },
        default: DEFAULT_UNENCRYPTED_STACKS,
        description: "Stacks allowed a plain DB network (single-machine stacks).",
      },
    },
  },
  validateResource: validateResourceOfType(docker.Network, (network, args, reportViolation) => {
    if (roleOf(network.labels) !== ROLES.dbNetwork) return;
    const stack = stackOf(network.labels) ?? "";
    const exempt = args.getConfig<{ unencryptedStacks?: string[] }>().unencryptedStacks ?? DEFAULT_UNENCRYPTED_STACKS;
    if (exempt.includes(stack)) return;
    if (network.options?.encrypted !== "true") {
      reportViolation(
        `${network.name}: the DB network of stack "${stack}" is not encrypted; database traffic and replication cross hosts in clear text (set networks.encrypted: true; only ${exempt.join(", ") || "no stack"} may go without)`,
      );
    }
  }),
};
