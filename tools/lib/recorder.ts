/**
 * A stand-in for the providers when nothing is applied (plan, unit tests):
 * echoes inputs as state, names auto-named resources as the provider would
 * (logical name + suffix; here a stable hash so plans diff cleanly) and
 * fills the outputs other resources read.
 */
import { createHash } from "crypto";
import type { RegisteredResource, ResourceResult } from "./mockRun";

export const AUTO_NAMED_TYPES = new Set(["docker:index/secret:Secret", "docker:index/serviceConfig:ServiceConfig"]);

export function stableSuffix(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 7);
}

export async function recordOnly(resource: RegisteredResource): Promise<ResourceResult> {
  const state: Record<string, any> = { ...resource.inputs };
  if (AUTO_NAMED_TYPES.has(resource.type) && !state.name) state.name = `${resource.name}-${stableSuffix(resource.name)}`;
  if (resource.type === "random:index/randomPassword:RandomPassword") {
    state.result = `pw-${stableSuffix(resource.name)}`.padEnd(resource.inputs.length ?? 16, "x");
  }
  // @pulumi/tls's outputs: stable stand-ins, so a plan shows no change where nothing changed.
  const pem = (kind: string) => `-----BEGIN ${kind}-----\n${stableSuffix(`${kind}/${resource.name}`)}\n-----END ${kind}-----\n`;
  if (resource.type === "tls:index/privateKey:PrivateKey") Object.assign(state, { privateKeyPem: pem("EC PRIVATE KEY"), publicKeyPem: pem("PUBLIC KEY") });
  if (resource.type === "tls:index/certRequest:CertRequest") state.certRequestPem = pem("CERTIFICATE REQUEST");
  if (resource.type === "tls:index/selfSignedCert:SelfSignedCert" || resource.type === "tls:index/locallySignedCert:LocallySignedCert") {
    state.certPem = pem("CERTIFICATE");
  }
  return { id: `${resource.name}-id`, state };
}
