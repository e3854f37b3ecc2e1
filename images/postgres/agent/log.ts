/** One line per event on stderr, prefixed with the member's name: `docker service logs` is where operators read it. */
let memberName = process.env.PGSWARM_NODE_NAME ?? "pgswarm";

export function setLogName(name: string): void {
  memberName = name;
}

export function log(message: string): void {
  // Millisecond timestamps: failover timings are read from these lines.
  process.stderr.write(`${new Date().toISOString()} pgswarm[${memberName}]: ${message}\n`);
}
