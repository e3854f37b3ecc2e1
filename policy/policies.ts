/** Every policy of the pgswarm pack, all mandatory. Exported apart from index.ts so tests run them without a policy server. */
import type { Policies } from "@pulumi/policy";
import { dbServicePolicies } from "./dbServices";
import { dbNetworkEncrypted } from "./network";
import { dbOnBackupNodes, routersOnTwoNodes } from "./placement";
import { noGeneratedPasswordInPlainSight, noSecretInEnvOrLabel } from "./secrets";

export const policies: Policies = [
  ...dbServicePolicies,
  noSecretInEnvOrLabel,
  noGeneratedPasswordInPlainSight,
  dbNetworkEncrypted,
  dbOnBackupNodes,
  routersOnTwoNodes,
];
