import { BlockList, isIP } from 'node:net';

/** Loopback only: the default peers trusted to send identity headers. */
export const loopbackAddresses: readonly string[] = ['127.0.0.0/8', '::1/128'];

/**
 * Builds a test for "is this peer address one of these", from IPv4/IPv6 addresses and CIDR
 * ranges (`10.0.0.0/8`, `fd00::/8`, `127.0.0.1`). IPv4-mapped IPv6 peers (`::ffff:10.1.2.3`)
 * match their IPv4 form.
 * @throws Error naming the first entry that is neither an address nor a CIDR range
 */
export function addressMatcher(
  entries: readonly string[],
): (address: string | undefined) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', bits, ...rest] = entry.trim().split('/');
    const family = isIP(address);
    const prefix = bits === undefined ? undefined : Number(bits);
    const maxBits = family === 6 ? 128 : 32;
    if (
      family === 0 ||
      rest.length > 0 ||
      (prefix !== undefined && (!/^\d+$/.test(bits ?? '') || prefix > maxBits))
    ) {
      throw new Error(`not an IP address or CIDR range: ${JSON.stringify(entry)}`);
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, prefix, type);
  }
  return (address) => {
    if (!address) return false;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    const candidate = mapped ?? address;
    const family = isIP(candidate);
    if (family === 0) return false;
    return list.check(candidate, family === 6 ? 'ipv6' : 'ipv4');
  };
}
