/**
 * The replace-forcing inputs the e2e applier knows, pinned with their sources.
 *
 * pulumi-docker 5.1.0 (and the 5.2.0 on npm) vendors terraform-provider-docker
 * at v4.5.0 (pulumi/pulumi-docker `upstream` submodule, commit 5074970c); a
 * `ForceNew: true` there is `willReplaceOnChanges: true` in pulumi-docker's
 * provider/cmd/pulumi-resource-docker/schema.json, and each list below equals
 * that file's list for the resource. A change to one of these paths replaces
 * the resource; every other input updates it in place.
 */
import { replaceForcingPaths, RESOURCE_SCHEMAS, TYPES } from "../../harness/providerSchema";

const TF = "terraform-provider-docker v4.5.0 internal/provider";
const SERVICE = `${TF}/resource_docker_service.go`;
const NETWORK = `${TF}/resource_docker_network.go`;
/** terraform-provider-tls v4 (bridged by @pulumi/tls 5.x): no Update; every input plan-modified RequiresReplace. */
const TLS = "hashicorp/terraform-provider-tls internal/provider";
const LABEL = `${TF}/helpers.go labelSchema = newLabelSchema(true): label and value ForceNew`;

const PINNED: Record<string, Record<string, string>> = {
  [TYPES.service]: {
    auth: `${SERVICE}: auth ForceNew`,
    "auth.password": `${SERVICE}: auth.password ForceNew`,
    "auth.serverAddress": `${SERVICE}: auth.server_address ForceNew`,
    "auth.username": `${SERVICE}: auth.username ForceNew`,
    mode: `${SERVICE}: mode ForceNew (the block appearing or vanishing; replicas update in place)`,
    name: `${SERVICE}: name ForceNew`,
    "taskSpec.containerSpec.hosts": `${SERVICE}: task_spec.container_spec.hosts ForceNew`,
    "taskSpec.containerSpec.hosts[].host": `${SERVICE}: hosts.host ForceNew`,
    "taskSpec.containerSpec.hosts[].ip": `${SERVICE}: hosts.ip ForceNew`,
    "taskSpec.containerSpec.labels[].label": `${SERVICE}: container_spec.labels uses ${LABEL}`,
    "taskSpec.containerSpec.labels[].value": `${SERVICE}: container_spec.labels uses ${LABEL}`,
    "taskSpec.containerSpec.mounts[].volumeOptions.labels[].label": `${SERVICE}: mounts.volume_options.labels uses ${LABEL}`,
    "taskSpec.containerSpec.mounts[].volumeOptions.labels[].value": `${SERVICE}: mounts.volume_options.labels uses ${LABEL}`,
    "taskSpec.containerSpec.sysctl": `${SERVICE}: task_spec.container_spec.sysctl ForceNew`,
    "taskSpec.networksAdvanceds[].aliases": `${SERVICE}: task_spec.networks_advanced.aliases ForceNew`,
    "taskSpec.networksAdvanceds[].driverOpts": `${SERVICE}: task_spec.networks_advanced.driver_opts ForceNew`,
    "taskSpec.networksAdvanceds[].id": `${SERVICE}: task_spec.networks_advanced.id ForceNew`,
    "taskSpec.networksAdvanceds[].name": `${SERVICE}: task_spec.networks_advanced.name ForceNew`,
  },
  [TYPES.network]: {
    attachable: `${NETWORK}: attachable ForceNew`,
    driver: `${NETWORK}: driver ForceNew`,
    ingress: `${NETWORK}: ingress ForceNew`,
    internal: `${NETWORK}: internal ForceNew`,
    ipamConfigs: `${NETWORK}: ipam_config ForceNew`,
    "ipamConfigs[].auxAddress": `${NETWORK}: ipam_config.aux_address ForceNew`,
    "ipamConfigs[].gateway": `${NETWORK}: ipam_config.gateway ForceNew`,
    "ipamConfigs[].ipRange": `${NETWORK}: ipam_config.ip_range ForceNew`,
    "ipamConfigs[].subnet": `${NETWORK}: ipam_config.subnet ForceNew`,
    ipamDriver: `${NETWORK}: ipam_driver ForceNew`,
    ipamOptions: `${NETWORK}: ipam_options ForceNew`,
    ipv6: `${NETWORK}: ipv6 ForceNew`,
    labels: `${NETWORK}: labels ForceNew`,
    "labels[].label": LABEL,
    "labels[].value": LABEL,
    name: `${NETWORK}: name ForceNew`,
    options: `${NETWORK}: options ForceNew`,
  },
  [TYPES.secret]: {
    data: `${TF}/resource_docker_secret.go: data ForceNew`,
    labels: `${TF}/resource_docker_secret.go: labels ForceNew`,
    "labels[].label": LABEL,
    "labels[].value": LABEL,
    name: `${TF}/resource_docker_secret.go: name ForceNew`,
  },
  [TYPES.config]: {
    data: `${TF}/resource_docker_config.go: data ForceNew`,
    dataRaw: `${TF}/resource_docker_config.go: data_raw ForceNew`,
    labels: `${TF}/resource_docker_config.go: labels ForceNew`,
    "labels[].label": LABEL,
    "labels[].value": LABEL,
    name: `${TF}/resource_docker_config.go: name ForceNew`,
  },
  [TYPES.randomPassword]: {
    keepers: "hashicorp/terraform-provider-random internal/provider/resource_password.go: keepers RequiresReplaceIfValuesNotNull",
  },
  [TYPES.tlsPrivateKey]: {
    algorithm: `${TLS}/resource_private_key.go: algorithm RequiresReplace`,
    ecdsaCurve: `${TLS}/resource_private_key.go: ecdsa_curve RequiresReplace`,
    rsaBits: `${TLS}/resource_private_key.go: rsa_bits RequiresReplace`,
  },
  [TYPES.tlsCertRequest]: {
    dnsNames: `${TLS}/resource_cert_request.go: dns_names RequiresReplace`,
    ipAddresses: `${TLS}/resource_cert_request.go: ip_addresses RequiresReplace`,
    privateKeyPem: `${TLS}/resource_cert_request.go: private_key_pem RequiresReplace`,
    subject: `${TLS}/resource_cert_request.go: subject RequiresReplace`,
  },
  [TYPES.tlsSelfSignedCert]: {
    allowedUses: `${TLS}/resource_self_signed_cert.go: allowed_uses RequiresReplace`,
    dnsNames: `${TLS}/resource_self_signed_cert.go: dns_names RequiresReplace`,
    earlyRenewalHours: `${TLS}/common_cert.go: early_renewal_hours RequiresReplace`,
    isCaCertificate: `${TLS}/common_cert.go: is_ca_certificate RequiresReplace`,
    privateKeyPem: `${TLS}/resource_self_signed_cert.go: private_key_pem RequiresReplace`,
    subject: `${TLS}/resource_self_signed_cert.go: subject RequiresReplace`,
    validityPeriodHours: `${TLS}/common_cert.go: validity_period_hours RequiresReplace`,
  },
  [TYPES.tlsLocallySignedCert]: {
    allowedUses: `${TLS}/resource_locally_signed_cert.go: allowed_uses RequiresReplace`,
    caCertPem: `${TLS}/resource_locally_signed_cert.go: ca_cert_pem RequiresReplace`,
    caPrivateKeyPem: `${TLS}/resource_locally_signed_cert.go: ca_private_key_pem RequiresReplace`,
    certRequestPem: `${TLS}/resource_locally_signed_cert.go: cert_request_pem RequiresReplace`,
    earlyRenewalHours: `${TLS}/common_cert.go: early_renewal_hours RequiresReplace`,
    isCaCertificate: `${TLS}/common_cert.go: is_ca_certificate RequiresReplace`,
    validityPeriodHours: `${TLS}/common_cert.go: validity_period_hours RequiresReplace`,
  },
};

describe("replace-forcing inputs", () => {
  it.each(Object.keys(PINNED))("%s: exactly the pinned paths", (type) => {
    expect(replaceForcingPaths(RESOURCE_SCHEMAS[type])).toEqual(Object.keys(PINNED[type]).sort());
  });

  it("every resource type the applier diffs by schema is pinned", () => {
    expect(Object.keys(RESOURCE_SCHEMAS).sort()).toEqual(Object.keys(PINNED).sort());
  });
});

describe("resource-wide rules", () => {
  it("networks, secrets, configs and random passwords have no update: any change replaces", () => {
    // resource_docker_network.go, _secret.go, _config.go define no UpdateContext;
    // resource_password.go puts RequiresReplace on every attribute.
    for (const type of [TYPES.network, TYPES.secret, TYPES.config, TYPES.randomPassword]) expect(RESOURCE_SCHEMAS[type].noUpdate).toBe(true);
    expect(RESOURCE_SCHEMAS[TYPES.service].noUpdate).toBeFalsy();
  });

  it("pulumi-docker auto-names services, networks, secrets and configs; random passwords have no name", () => {
    // provider/resources.go: prov.SetAutonaming(255, "-")
    for (const type of [TYPES.service, TYPES.network, TYPES.secret, TYPES.config]) expect(RESOURCE_SCHEMAS[type].autoNamed).toBe(true);
    expect(RESOURCE_SCHEMAS[TYPES.randomPassword].autoNamed).toBeFalsy();
  });

  it("only the network's delete accepts an object that is already gone", () => {
    // resourceDockerNetworkRemoveRefreshFunc treats a failed inspect as removed; the
    // service, secret and config deletes return the Engine API's error.
    expect(Object.values(RESOURCE_SCHEMAS).filter((schema) => schema.deleteToleratesMissing).map((schema) => schema.token)).toEqual([TYPES.network]);
  });
});
