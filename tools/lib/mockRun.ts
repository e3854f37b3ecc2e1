/**
 * Runs the real program (index.ts) for a stack under Pulumi's mocks. Every
 * resource registration passes through `apply`, which may be the recorder
 * (plan, unit tests) or the e2e applier that creates it in a real swarm.
 *
 * Pulumi is required inside the function so each run (after jest.resetModules)
 * gets a fresh runtime.
 */
import * as path from "path";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";

export interface RegisteredResource {
  type: string;
  name: string;
  /** Inputs with secrets unwrapped (the applier needs the values). */
  inputs: Record<string, any>;
  /** Inputs with every secret replaced by "[secret]" (safe to print). */
  redacted: Record<string, any>;
  custom: boolean;
  /** What the engine would learn from the registration beyond MockResourceArgs (absent when the SDK sent none). */
  urn?: string;
  parent?: string;
  /** Every resource this one depends on (dependsOn and the resources its inputs came from). */
  dependencies?: string[];
  /** For each input property, the resources its value came from. */
  propertyDependencies?: Record<string, string[]>;
  options?: RegistrationOptions;
}

/** Resource options the program set, as the engine receives them. */
export interface RegistrationOptions {
  protect?: boolean;
  /** Undefined: the provider decides. */
  deleteBeforeReplace?: boolean;
  replaceOnChanges?: string[];
  ignoreChanges?: string[];
  retainOnDelete?: boolean;
  deletedWith?: string;
}

export interface ResourceResult {
  id: string;
  state: Record<string, any>;
}

export type Apply = (resource: RegisteredResource) => Promise<ResourceResult>;

/** The parts of a RegisterResourceRequest (the SDK's protobuf message) that the engine would use. */
interface RegisterRequest {
  getParent(): string;
  getType(): string;
  getName(): string;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(callback: (value: { getUrnsList(): string[] }, key: string) => void): void };
  hasProtect?(): boolean;
  getProtect(): boolean | undefined;
  getDeletebeforereplace(): boolean;
  getDeletebeforereplacedefined(): boolean;
  getReplaceonchangesList(): string[];
  getIgnorechangesList(): string[];
  hasRetainondelete?(): boolean;
  getRetainondelete(): boolean | undefined;
  getDeletedwith(): string;
}

export interface MockMonitorInternals {
  registerResource(request: RegisterRequest, callback: unknown): unknown;
  newUrn(parent: string, type: string, name: string): string;
}

/**
 * MockResourceArgs carries no dependencies or options, so the registration
 * request is read as the mock monitor receives it. newResource runs
 * synchronously inside registerResource, so the request seen last is its own.
 */
export function watchRegistrations(monitor: MockMonitorInternals): () => Partial<RegisteredResource> {
  let latest: RegisterRequest | undefined;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    latest = request;
    return register(request, callback);
  };
  return () => {
    const request = latest;
    latest = undefined;
    if (!request) return {};
    const propertyDependencies: Record<string, string[]> = {};
    request.getPropertydependenciesMap().forEach((value, key) => (propertyDependencies[key] = value.getUrnsList()));
    const options: RegistrationOptions = {
      protect: request.hasProtect && !request.hasProtect() ? undefined : request.getProtect() || undefined,
      deleteBeforeReplace: request.getDeletebeforereplacedefined() ? request.getDeletebeforereplace() : undefined,
      replaceOnChanges: request.getReplaceonchangesList(),
      ignoreChanges: request.getIgnorechangesList(),
      retainOnDelete: request.hasRetainondelete && !request.hasRetainondelete() ? undefined : request.getRetainondelete() || undefined,
      deletedWith: request.getDeletedwith() || undefined,
    };
    return {
      urn: monitor.newUrn(request.getParent(), request.getType(), request.getName()),
      parent: request.getParent() || undefined,
      dependencies: request.getDependenciesList(),
      propertyDependencies,
      options,
    };
  };
}

function mapSecrets(value: any, onSecret: (inner: any) => any): any {
  if (Array.isArray(value)) return value.map((item) => mapSecrets(item, onSecret));
  if (value && typeof value === "object") {
    if (value[SECRET_SIG] === "1b47061264138c4ac30d75fd1eb44270") return onSecret(mapSecrets(value.value, onSecret));
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, mapSecrets(inner, onSecret)]));
  }
  return value;
}
export const unwrapSecrets = (value: any) => mapSecrets(value, (inner) => inner);
export const redactSecrets = (value: any) => mapSecrets(value, () => "[secret]");

/** Config values as the engine passes them: strings, structured values as JSON. */
export function engineConfig(flat: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(flat).map(([key, value]) => [
      key.includes(":") ? key : `pgswarm:${key}`,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
}

const isSecureValue = (value: unknown): value is { secure: string } =>
  !!value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as any).secure === "string";

/**
 * A stack file's top-level `{ secure: ... }` values as the engine hands them over: the value
 * (here the ciphertext, which no mock can decrypt), its key listed as a secret.
 */
export function engineConfigWithSecrets(flat: Record<string, unknown>): { config: Record<string, string>; secretKeys: string[] } {
  const secretKeys = Object.keys(flat)
    .filter((key) => isSecureValue(flat[key]))
    .map((key) => (key.includes(":") ? key : `pgswarm:${key}`));
  const plain = Object.fromEntries(Object.entries(flat).map(([key, value]) => [key, isSecureValue(value) ? value.secure : value]));
  return { config: engineConfig(plain), secretKeys };
}

export interface RunResult {
  outputs: Record<string, unknown>;
  resources: RegisteredResource[];
  /** Failures `apply` reported, by resource name: a throwing mock would leave outputs hanging. */
  errors: Array<{ name: string; type: string; message: string }>;
}

export async function runProgram(stack: string, flatConfig: Record<string, unknown>, apply: Apply): Promise<RunResult> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  const resources: RegisteredResource[] = [];
  const errors: RunResult["errors"] = [];
  let inFlight = 0;
  let registration: () => Partial<RegisteredResource> = () => ({});
  await pulumi.runtime.setMocks(
    {
      newResource: async (args) => {
        const resource: RegisteredResource = {
          type: args.type,
          name: args.name,
          inputs: unwrapSecrets(args.inputs),
          redacted: redactSecrets(args.inputs),
          custom: args.custom ?? true,
          ...registration(),
        };
        resources.push(resource);
        inFlight++;
        try {
          return await apply(resource);
        } catch (error) {
          errors.push({ name: args.name, type: args.type, message: (error as Error).message });
          return { id: `failed-${args.name}`, state: {} };
        } finally {
          inFlight--;
        }
      },
      call: (args) => args.inputs,
    },
    "pgswarm",
    stack,
    false,
  );
  registration = watchRegistrations(pulumi.runtime.getMonitor() as unknown as MockMonitorInternals);
  const { config, secretKeys } = engineConfigWithSecrets(flatConfig);
  pulumi.runtime.setAllConfig(config, secretKeys);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require(path.join(PROJECT_DIR, "index.ts"));
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(program)) {
    outputs[key] = await new Promise((resolve) => pulumi.output(value as any).apply(resolve));
  }
  // Registrations wait on other resources' outputs: settle when nothing is in flight and nothing new arrived.
  let quietTicks = 0;
  let seen = -1;
  while (quietTicks < 3) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    quietTicks = inFlight === 0 && resources.length === seen ? quietTicks + 1 : 0;
    seen = resources.length;
  }
  return { outputs, resources, errors };
}
