/** Runs the real program for an example stack (optionally edited) under the recording mocks. */
import { readStackFile, stackFilePath } from "../../components/config";
import type { RegisteredResource, RunResult } from "../../tools/lib/mockRun";

export const PROJECT_DIR = require("path").resolve(__dirname, "..", "..");

export function stackFileConfig(stack: string): Record<string, any> {
  return readStackFile(stackFilePath(PROJECT_DIR, stack));
}

export async function runStack(stack: string, config = stackFileConfig(stack)): Promise<RunResult> {
  jest.resetModules();
  const { runProgram } = require("../../tools/lib/mockRun") as typeof import("../../tools/lib/mockRun");
  const { recordOnly } = require("../../tools/lib/recorder") as typeof import("../../tools/lib/recorder");
  return runProgram(stack, config, recordOnly);
}

export const SERVICE = "docker:index/service:Service";
export const SECRET = "docker:index/secret:Secret";
export const CONFIG = "docker:index/serviceConfig:ServiceConfig";
export const NETWORK = "docker:index/network:Network";
export const NODE_LABELS = "pulumi-nodejs:dynamic/pgswarm:NodeLabels";

export const ofType = (result: RunResult, type: string) => result.resources.filter((resource) => resource.type === type);
export const serviceNamed = (result: RunResult, dockerName: string): RegisteredResource => {
  const found = ofType(result, SERVICE).find((service) => service.inputs.name === dockerName);
  if (!found) throw new Error(`no service ${dockerName}; have ${ofType(result, SERVICE).map((s) => s.inputs.name).join(", ")}`);
  return found;
};
