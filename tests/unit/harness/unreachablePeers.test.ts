/** The reachability check full redundancy runs in each member's container, run here with bash against a local listener. */
import { execFile } from "child_process";
import * as net from "net";
import { promisify } from "util";
import { AGENT_PORT } from "../../../components/contract";
import { unreachablePeersScript } from "../../harness/cluster";

const run = promisify(execFile);
const unreachable = async (peers: string[]) => (await run("bash", ["-c", unreachablePeersScript(peers)])).stdout.split(/\s+/).filter(Boolean);

describe("unreachablePeersScript", () => {
  it("names a peer whose agent port refuses, and only that one once it listens", async () => {
    expect(await unreachable(["localhost"])).toEqual(["localhost"]);
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(AGENT_PORT, resolve));
    try {
      expect(await unreachable(["localhost", "no-such-member"])).toEqual(["no-such-member"]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("refuses a name that is not a member's, rather than run it", () => {
    expect(() => unreachablePeersScript(["pgnode1", "x; rm -rf /"])).toThrow("not a member name: x; rm -rf /");
  });
});
