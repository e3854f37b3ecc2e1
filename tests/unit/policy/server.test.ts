/**
 * The pack as `pulumi preview --policy-pack policy` runs it: Pulumi's own
 * policy runner (@pulumi/pulumi/cmd/run-policy-pack, which compiles the pack
 * with its ts-node) serves the analyzer over gRPC on loopback; we ask it what
 * it enforces and have it analyze a resource, as the engine does.
 */
import { spawn, type ChildProcess } from "child_process";
import * as path from "path";
import { PROJECT_DIR } from "../../helpers/stacks";

jest.setTimeout(120_000);
/* eslint-disable @typescript-eslint/no-require-imports */
const grpc = require("@grpc/grpc-js");
const analyzerRpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb.js");
const analyzerProto = require("@pulumi/pulumi/proto/analyzer_pb.js");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb.js");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb.js");
/* eslint-enable @typescript-eslint/no-require-imports */

let runner: ChildProcess;
let client: any;
let stderr = "";

beforeAll(async () => {
  const packDir = path.join(PROJECT_DIR, "policy");
  // The engine starts the runner in the pack's directory with its own address and the program (".").
  runner = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:1", "."], { cwd: packDir });
  runner.stderr!.on("data", (chunk) => (stderr += chunk));
  const port = await new Promise<string>((resolve, reject) => {
    let stdout = "";
    runner.stdout!.on("data", (chunk) => {
      stdout += chunk;
      const line = /^(\d+)\n/.exec(stdout);
      if (line) resolve(line[1]);
    });
    runner.on("exit", (code) => reject(new Error(`the policy runner exited (${code}) before serving: ${stderr}`)));
  });
  client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});

afterAll(() => {
  client?.close();
  runner?.kill();
});

const call = <T>(method: string, request: unknown) =>
  new Promise<T>((resolve, reject) => client[method](request, (error: Error | null, response: T) => (error ? reject(error) : resolve(response))));

it("loads the pack and names its mandatory policies", async () => {
  const info: any = await call("getAnalyzerInfo", new Empty());
  expect(info.getName()).toBe("pgswarm");
  const policies = info.getPoliciesList().map((policy: any) => [policy.getName(), policy.getEnforcementlevel()]);
  expect(policies).toContainEqual(["db-service-single-replica", analyzerProto.EnforcementLevel.MANDATORY]);
  expect(policies).toContainEqual(["db-on-backup-nodes", analyzerProto.EnforcementLevel.MANDATORY]);
  expect(policies).toHaveLength(10);
});

it("rejects a DB service with two replicas, as the engine would hear it", async () => {
  const request = new analyzerProto.AnalyzeRequest();
  request.setType("docker:index/service:Service");
  request.setName("prod-pg-pgnode1");
  request.setUrn("urn:pulumi:prod::pgswarm::docker:index/service:Service::prod-pg-pgnode1");
  request.setOptions(new analyzerProto.AnalyzerResourceOptions());
  request.setProperties(
    Struct.fromJavaScript({
      name: "prod_pgnode1",
      labels: [
        { label: "com.docker.stack.namespace", value: "prod" },
        { label: "pgswarm.role", value: "pgnode" },
      ],
      mode: { replicated: { replicas: 2 } },
      endpointSpec: { mode: "dnsrr" },
      updateConfig: { order: "stop-first" },
      taskSpec: {
        placement: { constraints: ["node.labels.pgswarm.prod.pgnode == 1"] },
        containerSpec: { mounts: [{ type: "volume", source: "prod_pgnode1_data", target: "/var/lib/postgresql/data" }] },
      },
    }),
  );
  const response: any = await call("analyze", request);
  const diagnostics = response.getDiagnosticsList().map((diagnostic: any) => ({
    policy: diagnostic.getPolicyname(),
    level: diagnostic.getEnforcementlevel(),
    message: diagnostic.getMessage(),
  }));
  expect(diagnostics).toEqual([
    { policy: "db-service-single-replica", level: analyzerProto.EnforcementLevel.MANDATORY, message: expect.stringMatching(/prod_pgnode1: runs 2 replicas/) },
  ]);
});
