/**
 * An S3 repository's keys as Docker secrets, from the Pulumi secrets
 * pgswarm:s3AccessKey and pgswarm:s3SecretKey. Auto-named, so a new key is
 * created before the old one goes. A key is one line of a pgBackRest include
 * file: one holding a control character is refused without being shown.
 */
import * as path from "path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { S3_KEY_CONFIG } from "../config";
import { CONTROL_CHARACTER } from "../config/primitives";
import { S3_KEY_FILES } from "../contract";
import { labelList, ownerLabels } from "../names";
import type { SecretFile } from "../swarm";

export interface S3Keys {
  accessKey: pulumi.Input<string>;
  secretKey: pulumi.Input<string>;
}

/** The key as it goes into the secret: surrounding whitespace (a pasted newline) dropped, control characters refused. */
export function s3KeyData(configKey: string, value: string): string {
  const key = value.trim();
  if (key.length === 0) throw new Error(`pgswarm:${configKey} is empty: set the S3 key with \`pulumi config set --secret pgswarm:${configKey} <value>\``);
  if (CONTROL_CHARACTER.test(key)) throw new Error(`pgswarm:${configKey} holds a control character (newline, tab...): an S3 key has none; set it again`);
  return Buffer.from(key, "utf8").toString("base64");
}

export function s3KeySecrets(name: string, stack: string, keys: S3Keys, parent: pulumi.Resource): SecretFile[] {
  const labels = labelList(ownerLabels(stack, "credential"));
  return (["accessKey", "secretKey"] as const).map((which) => ({
    secret: new docker.Secret(
      `${name}-s3-${which === "accessKey" ? "access" : "secret"}-key`,
      { data: pulumi.secret(pulumi.output(keys[which]).apply((value) => s3KeyData(S3_KEY_CONFIG[which], value))), labels },
      { parent },
    ),
    fileName: path.basename(S3_KEY_FILES[which]),
  }));
}
