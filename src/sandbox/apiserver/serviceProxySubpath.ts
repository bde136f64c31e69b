import { badRequest } from './statusError.ts';

/**
 * What follows `/services/{name}/proxy` in a raw path (the name segment may contain "proxy"),
 * decoded once and escaped again as Go's `URL.EscapedPath` writes it: the API server reads the
 * decoded `URL.Path`, so `%2F` reaches the backend as `/` while `%252F` stays `%2F` encoded.
 */
export function serviceProxySubpath(pathname: string): string {
  const nameStart = pathname.indexOf('/services/') + '/services/'.length;
  const proxyStart = pathname.indexOf('/', nameStart) + '/proxy'.length;
  const raw = pathname.slice(proxyStart) || '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw badRequest(`invalid URL escape in path "${raw}"`);
  }
  return decoded.replace(/[^A-Za-z0-9\-_.~$&+,/:;=@]/g, (character) =>
    encodeURIComponent(character).replace(
      /[!'()*]/g,
      (mark) => `%${mark.charCodeAt(0).toString(16).toUpperCase()}`,
    ),
  );
}
