import type { FastifyReply, FastifyRequest } from 'fastify';

/** Name of the browser session cookie. */
export const sessionCookieName = 'raydeck_session';

/**
 * True when the browser reached the portal over HTTPS, directly or through a TLS-terminating
 * proxy that says so in `x-forwarded-proto`. Trusting the header here is safe: it can only
 * add the `Secure` flag, which makes the cookie stricter.
 */
export function isSecureRequest(request: FastifyRequest): boolean {
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return request.protocol === 'https' || first?.toLowerCase() === 'https';
}

/**
 * Sets the session cookie: HttpOnly (no script can read it), SameSite=Lax (not sent on
 * cross-site subrequests or form posts), Path=/, Secure over HTTPS, Max-Age in seconds.
 */
export function setSessionCookie(reply: FastifyReply, token: string, maxAgeSeconds: number): void {
  reply.setCookie(sessionCookieName, token, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: isSecureRequest(reply.request),
    maxAge: maxAgeSeconds,
  });
}

/** Tells the browser to drop the session cookie. */
export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(sessionCookieName, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: isSecureRequest(reply.request),
  });
}
