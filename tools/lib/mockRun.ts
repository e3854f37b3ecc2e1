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
}

export interface ResourceResult {
  id: string;
  state: Record<string, any>;
}

export type Apply = (resource: RegisteredResource) => Promise<ResourceResult>;

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
  await pulumi.runtime.setMocks(
    {
      newResource: async (args) => {
        const resource: RegisteredResource = {
          type: args.type,
          name: args.name,
          inputs: unwrapSecrets(args.inputs),
          redacted: redactSecrets(args.inputs),
          custom: args.custom ?? true,
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
  pulumi.runtime.setAllConfig(engineConfig(flatConfig));
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
