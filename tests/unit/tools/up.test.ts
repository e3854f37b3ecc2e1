/**
 * `npm run up` on a first run: each failure ends with one clear line. The Docker
 * Engine is a fake API on a unix socket (no Docker involved); the Pulumi CLI
 * download fails by asking for a version that does not exist.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { appUrls, dockerVerdict, listeningPorts, portConflicts, testbedPrerequisites } from "../../../tools/lib/firstRun";
import { PROJECT_DIR } from "../../helpers/stacks";

jest.setTimeout(120_000);

interface FakeEngine {
  socket: string;
  close: () => Promise<void>;
}

/** Answers /info and /services as a Docker Engine in the given swarm state would. */
async function fakeEngine(swarmState: string, services: unknown[] = []): Promise<FakeEngine> {
  const socket = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pgswarm-engine-")), "docker.sock");
  const server = http.createServer((request, response) => {
    const route = (request.url ?? "").replace(/^\/v[\d.]+/, "").split("?")[0];
    const body = route === "/info" ? { Swarm: { LocalNodeState: swarmState, ControlAvailable: swarmState === "active" } } : route === "/services" ? services : undefined;
    response.writeHead(body === undefined ? 404 : 200, { "content-type": "application/json" });
    response.end(JSON.stringify(body ?? { message: "not here" }));
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return { socket, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A `docker` command that records its arguments and answers like `docker swarm init` would. */
function fakeDockerCli(exitCode: number, output: string): { bin: string; calls: string } {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), "pgswarm-bin-"));
  const calls = path.join(bin, "calls");
  fs.writeFileSync(path.join(bin, "docker"), `#!/bin/sh\necho "$*" >> "${calls}"\necho '${output}'\nexit ${exitCode}\n`, { mode: 0o755 });
  return { bin, calls };
}

function up(stack: string, env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "pgswarm-home-"));
  return new Promise((resolve) => {
    const child = spawn("bash", ["tools/up.sh", stack], {
      cwd: PROJECT_DIR,
      // A CLI version that exists nowhere: fetching it fails with or without a network.
      env: { ...process.env, HOME: home, PULUMI_VERSION: "0.0.1-pgswarm-absent", PULUMI_BACKEND_URL: `file://${home}/state`, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
const lines = (text: string) => text.trim().split("\n").filter(Boolean);
const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at .+:\d+/m);

describe("npm run up -- dev, first runs that fail", () => {
  it("no Docker: one line saying what to install", async () => {
    const result = await up("dev", { DOCKER_HOST: `unix://${os.tmpdir()}/pgswarm-no-such-engine.sock` });
    expect(result.status).toBe(1);
    expect(lines(result.stderr)).toEqual([expect.stringMatching(/^cannot reach this machine's Docker Engine \(.*\): install Docker Engine/)]);
    noStackTrace(result.stderr);
  });

  it("a port another stack publishes: one line naming the port and who holds it", async () => {
    const engine = await fakeEngine("active", [
      { ID: "x1", Spec: { Name: "shop_web", Labels: { "com.docker.stack.namespace": "shop" }, EndpointSpec: { Ports: [{ PublishedPort: 8080, TargetPort: 80 }] } } },
    ]);
    try {
      const result = await up("dev", { DOCKER_HOST: `unix://${engine.socket}` });
      expect(result.status).toBe(1);
      expect(lines(result.stderr)).toEqual(["port 8080 (services.web.publish) is already published by the swarm service shop_web"]);
    } finally {
      await engine.close();
    }
  });

  it("the Pulumi CLI cannot be fetched: one line, after Docker and the ports passed", async () => {
    // dev's own web service holding 8080 is a re-deploy, not a conflict.
    const engine = await fakeEngine("active", [
      { ID: "x2", Spec: { Name: "dev_web", Labels: { "com.docker.stack.namespace": "dev" }, EndpointSpec: { Ports: [{ PublishedPort: 8080 }] } } },
    ]);
    try {
      const result = await up("dev", { DOCKER_HOST: `unix://${engine.socket}` });
      expect(result.status).toBe(1);
      expect(lines(result.stderr)).toEqual([expect.stringMatching(/^npm run up -- dev: could not get the Pulumi CLI \(npx pulumi downloads it on first use and said: .+\); check the network/)]);
      noStackTrace(result.stderr);
    } finally {
      await engine.close();
    }
  });

  it("not in swarm mode: says what docker swarm init does, runs it (dev only), then goes on", async () => {
    const engine = await fakeEngine("inactive");
    const docker = fakeDockerCli(0, "Swarm initialized: current node (abc) is now a manager.");
    try {
      const result = await up("dev", { DOCKER_HOST: `unix://${engine.socket}`, PATH: `${docker.bin}:${process.env.PATH}` });
      expect(result.stdout).toMatch(/`docker swarm init` makes this machine's Docker Engine a one-node swarm manager/);
      expect(result.stdout).toMatch(/docker swarm leave --force` undoes it/);
      expect(fs.readFileSync(docker.calls, "utf8")).toBe("swarm init\n");
      expect(result.stdout).toContain("This machine is now a one-node swarm.");
      // …and the next step ran: here the CLI fetch fails.
      expect(lines(result.stderr)).toEqual([expect.stringMatching(/could not get the Pulumi CLI/)]);
    } finally {
      await engine.close();
    }
  });

  it("docker swarm init fails: one line with the way out", async () => {
    const engine = await fakeEngine("inactive");
    const docker = fakeDockerCli(1, "Error response from daemon: could not choose an IP address to advertise since this system has multiple addresses");
    try {
      const result = await up("dev", { DOCKER_HOST: `unix://${engine.socket}`, PATH: `${docker.bin}:${process.env.PATH}` });
      expect(result.status).toBe(1);
      expect(lines(result.stderr)).toEqual([
        expect.stringMatching(/^npm run up -- dev: docker swarm init failed \(Error response from daemon: could not choose an IP address.*\); .*--advertise-addr/),
      ]);
    } finally {
      await engine.close();
    }
  });
});

describe("the first-run rules", () => {
  it("a remote engine outside swarm mode: init it there (never from here)", () => {
    const verdict = dockerVerdict("prod", "ssh://deploy@prod-manager.example.org", { reachable: true, swarmState: "inactive" });
    expect(verdict).toEqual({ kind: "no-swarm", line: expect.stringMatching(/^the Docker host ssh:\/\/deploy@prod-manager\.example\.org is not in swarm mode: run `docker swarm init` on that machine/) });
    expect(dockerVerdict("prod", "ssh://m", { reachable: true, swarmState: "active", manager: false }).kind).toBe("not-manager");
    expect(dockerVerdict("dev", "unix:///var/run/docker.sock", { reachable: true, swarmState: "active", manager: true })).toEqual({ kind: "ok" });
  });

  it("reads listening TCP ports from /proc/net/tcp", () => {
    const procNet = [
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
      "   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1",
      "   1: 0100007F:0016 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 2 1",
    ].join("\n");
    expect([...listeningPorts(procNet)]).toEqual([8080]);
    expect(portConflicts("dev", [{ service: "web", port: 8080, protocol: "tcp" }], new Map(), new Set([8080]))).toEqual([
      expect.stringMatching(/^port 8080 \(services\.web\.publish\) is in use on this machine/),
    ]);
  });

  it("prints where the application answers", () => {
    const services = { web: { publish: [{ port: 8080, target: 8080, protocol: "tcp", mode: "ingress" }] } } as any;
    expect(appUrls({ services }, "unix:///var/run/docker.sock")).toEqual(["http://localhost:8080/  (web)"]);
    const tls = { web: { publish: [{ port: 443, target: 8443, protocol: "tcp", mode: "ingress" }] } } as any;
    expect(appUrls({ services: tls }, "ssh://deploy@prod-manager.example.org")).toEqual(["https://prod-manager.example.org/  (web)"]);
  });

  it("names what the e2e testbed needs, in one line", () => {
    expect(testbedPrerequisites({ platform: "linux", uid: 0, missingTools: [] })).toBeUndefined();
    expect(testbedPrerequisites({ platform: "darwin", uid: 501, missingTools: ["dockerd", "debootstrap"] })).toBe(
      "the e2e tests need their testbed (five swarm nodes on this machine), which needs Linux (this is darwin), root (run it with sudo), " +
        "the tools dockerd, debootstrap (Debian: docker.io debootstrap iproute2 iptables util-linux); then run npm test again, or only the unit tests with npm run test:unit",
    );
  });
});
