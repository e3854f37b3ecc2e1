/**
 * IPv4 subnets for the overlay networks: what Docker's IPAM accepts for an
 * overlay, and whether two subnets overlap. Pure.
 */

export interface Subnet {
  /** The network address as a 32-bit number. */
  address: number;
  prefix: number;
}

export const SUBNET_EXPECTED = "expected an IPv4 subnet such as 10.20.0.0/24";
/** An overlay needs addresses for its gateway, its load balancer and the tasks: /29 (8 addresses) at the smallest. */
export const PREFIX_MIN = 8;
export const PREFIX_MAX = 29;

/** Ranges no overlay network can use. */
const UNUSABLE: Array<[string, number, string]> = [
  ["0.0.0.0", 8, "is reserved for 'this network'"],
  ["127.0.0.0", 8, "is loopback"],
  ["169.254.0.0", 16, "is link-local"],
  ["224.0.0.0", 4, "is multicast"],
  ["240.0.0.0", 4, "is reserved"],
];

const toNumber = (octets: number[]) => octets.reduce((total, octet) => total * 256 + octet, 0);
const toText = (address: number) => [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
/** The network address of `address` under `prefix`, without 32-bit sign trouble. */
const networkOf = (address: number, prefix: number) => address - (address % 2 ** (32 - prefix));

export function parseSubnet(text: string): Subnet | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255) || prefix > 32) return undefined;
  return { address: toNumber(octets), prefix };
}

export const formatSubnet = (subnet: Subnet) => `${toText(subnet.address)}/${subnet.prefix}`;

/** What is wrong with a subnet for an overlay network, or undefined. */
export function subnetProblem(text: string): string | undefined {
  const subnet = parseSubnet(text);
  if (!subnet) return `${SUBNET_EXPECTED} (four numbers from 0 to 255, then /prefix)`;
  if (subnet.prefix < PREFIX_MIN || subnet.prefix > PREFIX_MAX) {
    return `${SUBNET_EXPECTED} with a prefix from /${PREFIX_MIN} to /${PREFIX_MAX} (an overlay needs room for its tasks)`;
  }
  const network = networkOf(subnet.address, subnet.prefix);
  if (network !== subnet.address) {
    return `${SUBNET_EXPECTED} that starts at its network address: ${formatSubnet({ address: network, prefix: subnet.prefix })}`;
  }
  for (const [start, prefix, why] of UNUSABLE) {
    const range = parseSubnet(`${start}/${prefix}`)!;
    if (overlaps(subnet, range)) return `${SUBNET_EXPECTED}; ${start}/${prefix} ${why}`;
  }
  return undefined;
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  const prefix = Math.min(a.prefix, b.prefix);
  return networkOf(a.address, prefix) === networkOf(b.address, prefix);
}
