/**
 * The e2e tests' environment: Node's, plus what CI needs to tell a failure's
 * cause when all it keeps is the log — at the moment a test or hook fails, and
 * before its stack is torn down: the machine's disk, memory and load, every
 * service's last tasks with their errors, and the last lines each service logged.
 */
const { execFile } = require("child_process");
const { TestEnvironment } = require("jest-environment-node");

const layout = require("../harness/testbed.json");

const nodeHost = (node) => `unix://${layout.runDir}/${node}.sock`;
const MANAGER_HOST = nodeHost(layout.manager);
const NODES = Object.keys(layout.nodes);

function run(command, args, timeoutMs = 15_000) {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      // `docker logs` gives a container's stderr on its own stderr: both are the answer.
      resolve(error && !stdout ? `(${command} ${args.slice(0, 3).join(" ")}: ${String(stderr || error.message).trim()})` : `${stdout}${stderr}`.trimEnd());
    });
  });
}

async function diagnostics() {
  const parts = [
    `load: ${await run("cat", ["/proc/loadavg"])}`,
    await run("df", ["-h", "/", process.env.PGSWARM_TESTBED_DIR || layout.stateDir]),
    await run("free", ["-m"]),
    `-- busiest processes\n${(await run("ps", ["-eo", "pcpu,rss,etimes,args", "--sort=-pcpu"])).split("\n").slice(0, 12).map((line) => line.slice(0, 160)).join("\n")}`,
    `-- nodes\n${await run("docker", ["-H", MANAGER_HOST, "node", "ls", "--format", "{{.Hostname}} {{.Status}} {{.Availability}} {{.ManagerStatus}}"])}`,
  ];
  const services = (await run("docker", ["-H", MANAGER_HOST, "service", "ls", "--format", "{{.Name}}"])).split("\n").filter((name) => /^[\w.-]+$/.test(name));
  for (const service of services) {
    const tasks = await run("docker", ["-H", MANAGER_HOST, "service", "ps", "--no-trunc", "--format", "{{.Name}} {{.Node}} {{.DesiredState}} | {{.CurrentState}} | {{.Error}}", service]);
    parts.push(`-- ${service}: last tasks\n${tasks.split("\n").slice(0, 6).join("\n")}`);
  }
  // Each node's own containers, the exited ones too: `docker service logs` leaves out what a task printed before it died.
  for (const node of NODES) {
    const host = nodeHost(node);
    const containers = (await run("docker", ["-H", host, "ps", "-a", "--last", "12", "--format", "{{.ID}} {{.Names}} {{.Status}}"])).split("\n").filter((line) => /^[0-9a-f]{12} /.test(line));
    for (const container of containers) {
      const logs = await run("docker", ["-H", host, "logs", "--timestamps", "--tail", "20", container.split(" ")[0]], 8000);
      parts.push(`-- ${node}: ${container}\n${logs}`);
    }
  }
  return parts.join("\n");
}

class E2eEnvironment extends TestEnvironment {
  async handleTestEvent(event) {
    if (event.name !== "test_fn_failure" && event.name !== "hook_failure") return;
    const what = event.test ? event.test.name : `${event.hook.type} hook`;
    process.stdout.write(`\n== e2e diagnostics after "${what}" failed (${new Date().toISOString()})\n${await diagnostics()}\n== end of diagnostics\n`);
  }
}

module.exports = E2eEnvironment;
