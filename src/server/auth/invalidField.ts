import type { ApiErrorInput } from '../sendApiError.ts';

/**
 * A 400 `ValidationFailed` for one field that passed the schema but not a rule checked in code
 * (the password policy, reserved usernames), in the same shape as schema failures: the message
 * is `path: message` and `fields` names the path, e.g. `body.password`.
 */
export function invalidField(path: string, message: string): ApiErrorInput {
  return {
    status: 400,
    reason: 'ValidationFailed',
    message: `${path}: ${message}`,
    fields: [{ path, message }],
  };
}
