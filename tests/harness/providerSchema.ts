/**
 * What the providers do with each input of the resources pgswarm declares, as
 * far as a diff needs it: which inputs force a replacement, which keep their old
 * value when the program leaves them out (Optional + Computed), which compare
 * as sets. Read from the providers' own schemas, not guessed; the unit test
 * tests/unit/harness/providerSchema.test.ts pins every replace-forcing path and
 * names where it comes from.
 *
 * pulumi-docker 5.x bridges terraform-provider-docker v4.5.0 (the `upstream`
 * submodule of pulumi/pulumi-docker v5.1.0+); its `ForceNew` fields are the
 * Pulumi schema's `willReplaceOnChanges`. @pulumi/random bridges
 * terraform-provider-random, whose every password attribute RequiresReplace.
 */

/**
 * How Terraform's SDK diffs a property:
 * - scalar: the value;
 * - map, list, set: collections of scalars, whose elements inherit ForceNew;
 * - block (a MaxItems 1 list, an object in Pulumi), blockList, blockSet: each
 *   field diffs with its own ForceNew; the block's own ForceNew applies to its
 *   count (added or removed). A changed set element is removed and added again.
 */
export type Kind = "scalar" | "map" | "list" | "set" | "block" | "blockList" | "blockSet";

export interface PropertySchema {
  /** Inferred from the value when left out: object → block, array of objects → blockList, array → list. */
  kind?: Kind;
  forceNew?: boolean;
  /** Optional + Computed: left out of the inputs, the old value stays and nothing changes. */
  computed?: boolean;
  fields?: Record<string, PropertySchema>;
}

export interface ResourceSchema {
  token: string;
  properties: Record<string, PropertySchema>;
  /** The provider has no update: any change replaces (Terraform requires ForceNew on every input then). */
  noUpdate?: boolean;
  /**
   * pulumi-docker auto-names every resource with a `name` (SetAutonaming): left out,
   * a replacement gets a new name and is created before the old one is deleted; set
   * explicitly, the bridge asks for delete-before-replace (nameRequiresDeleteBeforeReplace).
   */
  autoNamed?: boolean;
  /** Deleting an object that is already gone succeeds (otherwise the provider's delete fails). */
  deleteToleratesMissing?: boolean;
}

export const TYPES = {
  service: "docker:index/service:Service",
  network: "docker:index/network:Network",
  secret: "docker:index/secret:Secret",
  config: "docker:index/serviceConfig:ServiceConfig",
  image: "docker:index/image:Image",
  randomPassword: "random:index/randomPassword:RandomPassword",
  tlsPrivateKey: "tls:index/privateKey:PrivateKey",
  tlsSelfSignedCert: "tls:index/selfSignedCert:SelfSignedCert",
  tlsCertRequest: "tls:index/certRequest:CertRequest",
  tlsLocallySignedCert: "tls:index/locallySignedCert:LocallySignedCert",
  nodeLabels: "pulumi-nodejs:dynamic/pgswarm:NodeLabels",
} as const;

const forceNew: PropertySchema = { forceNew: true };
const block = (fields: Record<string, PropertySchema> = {}, extra: PropertySchema = {}): PropertySchema => ({ kind: "block", fields, ...extra });
/** labelSchema (ForceNew label and value) or labelSchemaUpdatable, both sets of { label, value }. */
const labelSet = (replaceOnChange: boolean, extra: PropertySchema = {}): PropertySchema => ({
  kind: "blockSet",
  fields: replaceOnChange ? { label: forceNew, value: forceNew } : {},
  ...extra,
});

/** resource_docker_service.go */
const SERVICE: ResourceSchema = {
  token: TYPES.service,
  autoNamed: true,
  properties: {
    name: forceNew,
    auth: block({ serverAddress: forceNew, username: forceNew, password: forceNew }, { forceNew: true }),
    labels: labelSet(false, { computed: true }),
    mode: block({ replicated: block({}, { computed: true }) }, { forceNew: true, computed: true }),
    taskSpec: block({
      containerSpec: block({
        labels: labelSet(true),
        env: { kind: "map" },
        mounts: {
          kind: "blockSet",
          fields: { volumeOptions: block({ labels: labelSet(true), driverOptions: { kind: "map" } }) },
        },
        stopGracePeriod: { computed: true },
        healthcheck: block({}, { computed: true }),
        hosts: { kind: "blockSet", forceNew: true, fields: { host: forceNew, ip: forceNew } },
        dnsConfig: block({}, { computed: true }),
        secrets: { kind: "blockSet" },
        configs: { kind: "blockSet" },
        sysctl: { kind: "map", forceNew: true },
        init: { computed: true },
      }),
      resources: block(
        {
          reservation: block({ genericResources: block({ namedResourcesSpecs: { kind: "set" }, discreteResourcesSpecs: { kind: "set" } }) }),
        },
        { computed: true },
      ),
      restartPolicy: block({}, { computed: true }),
      placement: block({ constraints: { kind: "set" }, prefs: { kind: "set" }, platforms: { kind: "blockSet" } }, { computed: true }),
      forceUpdate: { computed: true },
      runtime: { computed: true },
      networksAdvanceds: {
        kind: "blockSet",
        fields: { name: forceNew, id: forceNew, aliases: { kind: "set", forceNew: true }, driverOpts: { kind: "set", forceNew: true } },
      },
      logDriver: block({ options: { kind: "map" } }),
    }),
    endpointSpec: block({ mode: { computed: true }, ports: { kind: "blockList", fields: { publishedPort: { computed: true } } } }, { computed: true }),
  },
};

/** resource_docker_network.go: no UpdateContext, every input ForceNew. */
const NETWORK: ResourceSchema = {
  token: TYPES.network,
  autoNamed: true,
  noUpdate: true,
  // resourceDockerNetworkRemoveRefreshFunc: a network already gone counts as removed.
  deleteToleratesMissing: true,
  properties: {
    name: forceNew,
    labels: labelSet(true, { forceNew: true }),
    driver: { forceNew: true, computed: true },
    options: { kind: "map", forceNew: true, computed: true },
    internal: { forceNew: true, computed: true },
    attachable: forceNew,
    ingress: forceNew,
    ipv6: forceNew,
    ipamDriver: forceNew,
    ipamOptions: { kind: "map", forceNew: true },
    ipamConfigs: {
      kind: "blockSet",
      forceNew: true,
      computed: true,
      fields: { subnet: forceNew, ipRange: forceNew, gateway: forceNew, auxAddress: { kind: "map", forceNew: true } },
    },
  },
};

/** resource_docker_secret.go */
const SECRET: ResourceSchema = {
  token: TYPES.secret,
  autoNamed: true,
  noUpdate: true,
  properties: { name: forceNew, data: forceNew, labels: labelSet(true, { forceNew: true }) },
};

/** resource_docker_config.go */
const CONFIG: ResourceSchema = {
  token: TYPES.config,
  autoNamed: true,
  noUpdate: true,
  properties: { name: forceNew, data: forceNew, dataRaw: forceNew, labels: labelSet(true, { forceNew: true }) },
};

/** terraform-provider-random resource_password.go: RequiresReplace on every attribute. */
const RANDOM_PASSWORD: ResourceSchema = {
  token: TYPES.randomPassword,
  noUpdate: true,
  properties: { keepers: { kind: "map", forceNew: true } },
};

/**
 * terraform-provider-tls (bridged by @pulumi/tls 5.x): private_key, cert_request,
 * self_signed_cert and locally_signed_cert have no Update; every input RequiresReplace
 * (resource_private_key.go, resource_cert_request.go, common_cert.go). A changed
 * input is a new key or certificate.
 */
const tlsSchema = (token: string, properties: Record<string, PropertySchema>): ResourceSchema => ({ token, noUpdate: true, properties });
const subjectBlock = block({}, { forceNew: true });
const TLS_PRIVATE_KEY = tlsSchema(TYPES.tlsPrivateKey, { algorithm: forceNew, ecdsaCurve: forceNew, rsaBits: forceNew });
const TLS_CERT_REQUEST = tlsSchema(TYPES.tlsCertRequest, {
  privateKeyPem: forceNew,
  subject: subjectBlock,
  dnsNames: { kind: "list", forceNew: true },
  ipAddresses: { kind: "list", forceNew: true },
});
const certFields = {
  validityPeriodHours: forceNew,
  allowedUses: { kind: "list", forceNew: true },
  isCaCertificate: forceNew,
  earlyRenewalHours: forceNew,
} as const;
const TLS_SELF_SIGNED_CERT = tlsSchema(TYPES.tlsSelfSignedCert, {
  privateKeyPem: forceNew,
  subject: subjectBlock,
  dnsNames: { kind: "list", forceNew: true },
  ...certFields,
});
const TLS_LOCALLY_SIGNED_CERT = tlsSchema(TYPES.tlsLocallySignedCert, {
  certRequestPem: forceNew,
  caPrivateKeyPem: forceNew,
  caCertPem: forceNew,
  ...certFields,
});

export const RESOURCE_SCHEMAS: Record<string, ResourceSchema> = Object.fromEntries(
  [SERVICE, NETWORK, SECRET, CONFIG, RANDOM_PASSWORD, TLS_PRIVATE_KEY, TLS_CERT_REQUEST, TLS_SELF_SIGNED_CERT, TLS_LOCALLY_SIGNED_CERT].map(
    (schema) => [schema.token, schema],
  ),
);

/**
 * Every replace-forcing path of a schema, written as pulumi-docker's schema.json
 * would (`taskSpec.networksAdvanceds[].id`): what the unit test pins.
 */
export function replaceForcingPaths(schema: ResourceSchema): string[] {
  const paths: string[] = [];
  const walk = (properties: Record<string, PropertySchema>, prefix: string) => {
    for (const [key, property] of Object.entries(properties)) {
      const path = `${prefix}${key}`;
      if (property.forceNew) paths.push(path);
      if (property.fields) walk(property.fields, property.kind === "block" ? `${path}.` : `${path}[].`);
    }
  };
  walk(schema.properties, "");
  return paths.sort();
}
