import { describe, expect, it } from 'vitest';

import { addressMatcher, loopbackAddresses } from './addressMatcher.ts';

describe('addressMatcher', () => {
  it('matches loopback by default, including IPv4-mapped IPv6', () => {
    const isLoopback = addressMatcher(loopbackAddresses);
    for (const address of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1']) {
      expect(isLoopback(address), address).toBe(true);
    }
    for (const address of ['10.0.0.1', '::2', '::ffff:10.0.0.1', 'localhost', '', undefined]) {
      expect(isLoopback(address), String(address)).toBe(false);
    }
  });

  it('matches single addresses and CIDR ranges of both families', () => {
    const matches = addressMatcher(['10.0.0.0/8', '192.168.1.5', 'fd00::/8']);
    expect(matches('10.255.0.1')).toBe(true);
    expect(matches('192.168.1.5')).toBe(true);
    expect(matches('192.168.1.6')).toBe(false);
    expect(matches('fd12::1')).toBe(true);
    expect(matches('fe80::1')).toBe(false);
  });

  it('rejects entries that are not addresses or ranges', () => {
    for (const entry of ['proxy.local', '10.0.0.0/33', '10.0.0.0/8/1', '::/129', '10.0.0.0/x']) {
      expect(() => addressMatcher([entry]), entry).toThrow(/not an IP address or CIDR range/);
    }
  });
});
