/** testbed.json, the one description of the testbed that testbed.sh, the harness and the e2e environment read. */
import layout from "../../harness/testbed.json";
import { DATA_NODES, MANAGER, MANAGERS, NODE_ADDRESS, NODES, SPARE_NODE } from "../../harness/testbed";

const subnetOf = (address: string) => address.split(".").slice(0, 3).join(".");

describe("the testbed layout", () => {
  it("names managers and the spare among its nodes, the spare not a manager", () => {
    expect(NODES).toEqual(Object.keys(layout.nodes));
    expect(MANAGERS).toContain(MANAGER);
    for (const manager of MANAGERS) expect(NODES).toContain(manager);
    expect(NODES).toContain(SPARE_NODE);
    expect(MANAGERS).not.toContain(SPARE_NODE);
  });

  it("keeps the data members on three workers, none of them the spare", () => {
    // A manager cut off with a member on it deposes Swarm's leader at the heal: the chaos faults hit data nodes only.
    expect(DATA_NODES).toHaveLength(3);
    expect(new Set(DATA_NODES).size).toBe(3);
    for (const node of DATA_NODES) {
      expect(NODES).toContain(node);
      expect(MANAGERS).not.toContain(node);
      expect(node).not.toBe(SPARE_NODE);
    }
  });

  it("gives every node its own address on the host's /24", () => {
    const addresses = Object.values(NODE_ADDRESS);
    expect(new Set(addresses).size).toBe(addresses.length);
    for (const address of addresses) {
      expect(address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(subnetOf(address)).toBe(subnetOf(layout.hostAddress));
      expect(address).not.toBe(layout.hostAddress);
    }
  });

  it("has an odd number of managers, as Swarm's raft wants", () => {
    expect(MANAGERS.length % 2).toBe(1);
  });
});
