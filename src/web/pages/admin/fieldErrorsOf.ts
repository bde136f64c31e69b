import { humanizeSchemaMessage } from '../../../shared/api/humanizeSchemaMessage.ts';
import { ApiError } from '../../../shared/client/ApiError.ts';

/**
 * The server's field errors of a failed request, keyed by the form's fields. A path loses its
 * `prefix` (default `body.`), then lands on the longest of `knownKeys` it starts with:
 * `body.head.memory` → `head.memory`, `body.allowedRayVersions[1]` → `allowedRayVersions`.
 * Paths that match no key are left out (the caller shows the whole message instead); the first
 * message per key wins, worded for people (`must NOT have fewer than 1 items` → `pick at least
 * one`, {@link humanizeSchemaMessage}). Anything but an {@link ApiError} gives `{}`.
 */
export function fieldErrorsOf(
  error: unknown,
  knownKeys: readonly string[],
  prefix = 'body.',
): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const errors: Record<string, string> = {};
  for (const field of error.fields) {
    const path = field.path.startsWith(prefix) ? field.path.slice(prefix.length) : field.path;
    const segments = path
      .replace(/\[(\d+)\]/g, '.$1')
      .split('.')
      .filter(Boolean);
    let key: string | undefined;
    for (let length = segments.length; length > 0 && !key; length -= 1) {
      const candidate = segments.slice(0, length).join('.');
      if (knownKeys.includes(candidate)) key = candidate;
    }
    if (key && !(key in errors)) errors[key] = humanizeSchemaMessage(field.message);
  }
  return errors;
}
