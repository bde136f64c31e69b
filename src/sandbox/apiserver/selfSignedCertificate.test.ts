import { createPrivateKey, X509Certificate } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { selfSignedCertificate } from './selfSignedCertificate.ts';

describe('selfSignedCertificate', () => {
  it('is a self-signed CA certificate for the given IPs and names, matching its key', () => {
    const now = new Date('2026-03-01T12:00:00Z');
    const pair = selfSignedCertificate(['127.0.0.1', 'localhost', '::1'], now);
    const certificate = new X509Certificate(pair.cert);
    expect(certificate.subject).toBe('CN=raydeck-sandbox');
    expect(certificate.issuer).toBe('CN=raydeck-sandbox');
    expect(certificate.subjectAltName).toBe(
      'IP Address:127.0.0.1, DNS:localhost, IP Address:0:0:0:0:0:0:0:1',
    );
    expect(certificate.ca).toBe(true);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.checkPrivateKey(createPrivateKey(pair.key))).toBe(true);
    expect(new Date(certificate.validFrom).toISOString()).toBe('2026-03-01T11:00:00.000Z');
    expect(new Date(certificate.validTo).getUTCFullYear()).toBe(2036);
  });
});
