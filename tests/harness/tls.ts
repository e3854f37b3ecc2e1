/**
 * What @pulumi/tls's provider does for the resources pgswarm declares, done
 * with openssl so the applier can stand in for it: ECDSA keys, a self-signed
 * CA, certificate requests and certificates signed by that CA, with the
 * subject, DNS names, validity and key usages the program asked for.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";

const exec = promisify(execFile);

async function withDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pgswarm-tls-"));
  try {
    return await work(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const CURVES: Record<string, string> = { P224: "secp224r1", P256: "prime256v1", P384: "secp384r1", P521: "secp521r1" };

export async function privateKey(inputs: Record<string, any>): Promise<Record<string, any>> {
  if (inputs.algorithm !== "ECDSA") throw new Error(`the applier's tls stand-in makes ECDSA keys only, not ${inputs.algorithm}`);
  const curve = CURVES[inputs.ecdsaCurve ?? "P224"];
  const { stdout: sec1 } = await exec("openssl", ["ecparam", "-name", curve, "-genkey", "-noout"]);
  return withDir(async (dir) => {
    fs.writeFileSync(path.join(dir, "key"), sec1);
    const { stdout: publicKeyPem } = await exec("openssl", ["ec", "-in", path.join(dir, "key"), "-pubout"]);
    // terraform-provider-tls writes ECDSA keys as "EC PRIVATE KEY" (SEC 1), which pgBackRest reads.
    return { ...inputs, privateKeyPem: sec1, publicKeyPem };
  });
}

const subjectOf = (subject: Record<string, string> | undefined) => `/CN=${(subject?.commonName ?? "").replace(/[/\\]/g, "\\$&")}`;

const USAGES: Record<string, { key?: string; extended?: string }> = {
  cert_signing: { key: "keyCertSign" },
  crl_signing: { key: "cRLSign" },
  digital_signature: { key: "digitalSignature" },
  key_encipherment: { key: "keyEncipherment" },
  server_auth: { extended: "serverAuth" },
  client_auth: { extended: "clientAuth" },
};

function extensions(inputs: Record<string, any>, dnsNames: string[] = []): string {
  const uses: string[] = inputs.allowedUses ?? [];
  const unknown = uses.filter((use) => !USAGES[use]);
  if (unknown.length > 0) throw new Error(`the applier's tls stand-in does not know allowed uses ${unknown.join(", ")}`);
  const keyUsage = uses.map((use) => USAGES[use].key).filter(Boolean);
  const extended = uses.map((use) => USAGES[use].extended).filter(Boolean);
  return [
    inputs.isCaCertificate ? "basicConstraints=critical,CA:TRUE" : "basicConstraints=critical,CA:FALSE",
    ...(keyUsage.length ? [`keyUsage=critical,${keyUsage.join(",")}`] : []),
    ...(extended.length ? [`extendedKeyUsage=${extended.join(",")}`] : []),
    ...(dnsNames.length ? [`subjectAltName=${dnsNames.map((name) => `DNS:${name}`).join(",")}`] : []),
    "subjectKeyIdentifier=hash",
  ].join("\n");
}

const days = (hours: number) => String(Math.max(1, Math.ceil(hours / 24)));

export async function selfSignedCert(inputs: Record<string, any>): Promise<Record<string, any>> {
  return withDir(async (dir) => {
    fs.writeFileSync(path.join(dir, "key"), inputs.privateKeyPem);
    fs.writeFileSync(path.join(dir, "ext"), extensions(inputs, inputs.dnsNames));
    const { stdout } = await exec("openssl", [
      "req", "-x509", "-new", "-key", path.join(dir, "key"), "-subj", subjectOf(inputs.subject),
      "-days", days(inputs.validityPeriodHours), "-extensions", "v3", "-config", writeConfig(dir, "v3"),
    ]);
    return { ...inputs, certPem: stdout };
  });
}

/** An openssl config whose section holds the extensions written to dir/ext. */
function writeConfig(dir: string, section: string): string {
  const file = path.join(dir, "openssl.cnf");
  fs.writeFileSync(file, `[req]\ndistinguished_name=dn\n[dn]\n[${section}]\n${fs.readFileSync(path.join(dir, "ext"), "utf8")}\n`);
  return file;
}

export async function certRequest(inputs: Record<string, any>): Promise<Record<string, any>> {
  return withDir(async (dir) => {
    fs.writeFileSync(path.join(dir, "key"), inputs.privateKeyPem);
    const names: string[] = inputs.dnsNames ?? [];
    const { stdout } = await exec("openssl", [
      "req", "-new", "-key", path.join(dir, "key"), "-subj", subjectOf(inputs.subject),
      ...(names.length ? ["-addext", `subjectAltName=${names.map((name) => `DNS:${name}`).join(",")}`] : []),
    ]);
    return { ...inputs, certRequestPem: stdout };
  });
}

/** Signs the request as the CA; the DNS names come from the request, as the provider copies them. */
export async function locallySignedCert(inputs: Record<string, any>): Promise<Record<string, any>> {
  return withDir(async (dir) => {
    fs.writeFileSync(path.join(dir, "csr"), inputs.certRequestPem);
    fs.writeFileSync(path.join(dir, "ca.key"), inputs.caPrivateKeyPem);
    fs.writeFileSync(path.join(dir, "ca.crt"), inputs.caCertPem);
    fs.writeFileSync(path.join(dir, "ext"), extensions(inputs));
    const { stdout } = await exec("openssl", [
      "x509", "-req", "-in", path.join(dir, "csr"), "-CA", path.join(dir, "ca.crt"), "-CAkey", path.join(dir, "ca.key"),
      "-set_serial", `0x${Date.now().toString(16)}${Math.floor(Math.random() * 1e6).toString(16)}`,
      "-days", days(inputs.validityPeriodHours), "-extfile", path.join(dir, "ext"), "-copy_extensions", "copy",
    ]);
    return { ...inputs, certPem: stdout };
  });
}
