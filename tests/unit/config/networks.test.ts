/** Subnets for the overlay networks: what Docker's IPAM takes, aligned, and not overlapping. */
import { defaultDbSubnet } from "../../../components/names";
import { overlaps, parseSubnet, subnetProblem } from "../../../components/config/network";
import { edited, problemAt, problemsOf, readSplit } from "./fixtures";

describe("an overlay subnet", () => {
  it.each(["10.20.0.0/24", "10.0.0.0/8", "172.16.4.0/22", "192.168.213.0/24", "10.1.2.8/29", "100.64.0.0/16"])("accepts %s", (subnet) =>
    expect(subnetProblem(subnet)).toBeUndefined(),
  );

  it.each([
    ["10.20.0.0", /four numbers from 0 to 255, then \/prefix/],
    ["10.20.0/24", /four numbers/],
    ["10.256.0.0/24", /four numbers/],
    ["10.20.0.0/33", /four numbers/],
    ["10.20.0.0/30", /prefix from \/8 to \/29/],
    ["10.0.0.0/7", /prefix from \/8 to \/29/],
    ["10.20.0.5/24", /starts at its network address: 10\.20\.0\.0\/24/],
    ["10.20.1.0/16", /starts at its network address: 10\.20\.0\.0\/16/],
    ["127.0.0.0/24", /127\.0\.0\.0\/8 is loopback/],
    ["169.254.0.0/16", /link-local/],
    ["224.1.0.0/16", /multicast/],
    ["0.0.0.0/8", /this network/],
  ])("refuses %p", (subnet, message) => expect(subnetProblem(subnet)).toMatch(message));

  it("overlap is containment either way, or equality", () => {
    const subnet = (text: string) => parseSubnet(text)!;
    expect(overlaps(subnet("10.0.0.0/16"), subnet("10.0.5.0/24"))).toBe(true);
    expect(overlaps(subnet("10.0.5.0/24"), subnet("10.0.0.0/16"))).toBe(true);
    expect(overlaps(subnet("10.0.5.0/24"), subnet("10.0.5.0/24"))).toBe(true);
    expect(overlaps(subnet("10.0.5.0/24"), subnet("10.0.6.0/24"))).toBe(false);
    expect(overlaps(subnet("192.168.0.0/16"), subnet("10.0.0.0/8"))).toBe(false);
  });
});

describe("networks in a stack", () => {
  it("names the key and what was found", () => {
    const raw = edited(readSplit, (r) => (r.networks = { dbSubnet: "10.20.0.5/24", appSubnet: "10.0.300.0/24" }));
    expect(problemAt(raw, "networks.dbSubnet")).toBe(
      'expected an IPv4 subnet such as 10.20.0.0/24 that starts at its network address: 10.20.0.0/24, found the string "10.20.0.5/24"',
    );
    expect(problemAt(raw, "networks.appSubnet")).toMatch(/four numbers from 0 to 255.*, found the string "10\.0\.300\.0\/24"$/);
  });

  it("refuses an app subnet overlapping the DB subnet", () => {
    const raw = edited(readSplit, (r) => (r.networks = { dbSubnet: "10.0.0.0/16", appSubnet: "10.0.5.0/24" }));
    expect(problemsOf(raw)).toEqual([
      { path: "networks.appSubnet", message: "10.0.5.0/24 overlaps networks.dbSubnet (10.0.0.0/16); the two networks need separate ranges" },
    ]);
  });

  it("refuses an app subnet overlapping the DB network's default subnet, which derives from the stack's name", () => {
    const dbDefault = defaultDbSubnet("prod");
    const raw = edited(readSplit, (r) => (r.networks = { appSubnet: dbDefault }));
    expect(problemsOf(raw, { stack: "prod" })).toEqual([
      { path: "networks.appSubnet", message: `${dbDefault} overlaps the DB network's default subnet for stack "prod" (${dbDefault}); the two networks need separate ranges` },
    ]);
    expect(() => problemsOf(edited(readSplit, (r) => (r.networks = { appSubnet: "192.168.10.0/24" })), { stack: "prod" })).toThrow(/accepted/);
  });
});
