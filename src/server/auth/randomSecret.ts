import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A fresh random secret of `bytes` random bytes (default 32 = 256 bits), base64url-encoded
 * without padding so it is safe in cookies, headers and URLs.
 */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Hex SHA-256 of a high-entropy secret (session or API token). A plain hash suffices for
 * 256-bit random secrets, which cannot be guessed; passwords use scrypt instead.
 */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/**
 * Compares two strings in time that depends only on their lengths, so an attacker cannot learn
 * a secret (a CSRF token) byte by byte from response times.
 */
export function secretsEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
