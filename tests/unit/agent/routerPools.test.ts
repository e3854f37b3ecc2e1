import { admitted, parseServerStates, routerEndpoints } from "../../../images/postgres/agent/routerPools";

describe("a router's pools, from HAProxy's Prometheus text", () => {
  const metrics = [
    "# HELP haproxy_server_status Current status of the service, per state label value.",
    'haproxy_server_status{proxy="primary",server="pgnode1",state="DOWN"} 0',
    'haproxy_server_status{proxy="primary",server="pgnode1",state="UP"} 1',
    'haproxy_server_status{proxy="primary",server="pgnode2",state="UP"} 0',
    'haproxy_server_status{proxy="primary",server="pgnode2",state="MAINT"} 1',
    'haproxy_server_status{proxy="replicas",server="pgnode2",state="UP"} 1',
    'haproxy_server_status{proxy="replicas",server="pgnode3",state="UP"} 1',
    'haproxy_server_weight{proxy="replicas",server="pgnode3"} 1',
  ].join("\n");

  it("takes each server's state from the state label whose value is 1", () => {
    expect(parseServerStates(metrics)).toEqual({
      primary: { pgnode1: "UP", pgnode2: "MAINT" },
      replicas: { pgnode2: "UP", pgnode3: "UP" },
    });
  });

  it("admits only servers that are UP", () => {
    const states = parseServerStates(metrics);
    expect(admitted(states, "primary")).toEqual(["pgnode1"]);
    expect(admitted(states, "replicas")).toEqual(["pgnode2", "pgnode3"]);
    expect(admitted(states, "missing")).toEqual([]);
  });

  it("reads the numeric form of older exporters", () => {
    const states = parseServerStates('haproxy_server_status{proxy="primary",server="pgnode1"} 2\nhaproxy_server_status{proxy="primary",server="pgnode2"} 1');
    expect(states).toEqual({ primary: { pgnode1: "MAINT", pgnode2: "UP" } });
  });
});

describe("which routers a topology has", () => {
  it("asks for db-ro only in read-split (a name that does not exist waits on the host's resolvers)", () => {
    expect(routerEndpoints("standalone")).toEqual(["db-rw"]);
    expect(routerEndpoints("replicated")).toEqual(["db-rw"]);
    expect(routerEndpoints("read-split")).toEqual(["db-rw", "db-ro"]);
  });
});
