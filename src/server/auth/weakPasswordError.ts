import { passwordProblem } from '../../shared/api/passwordProblem.ts';
import type { ApiErrorInput } from '../sendApiError.ts';
import { invalidField } from './invalidField.ts';

/**
 * The 400 naming `body.password` when a new password fails the portal's one password rule
 * (`passwordProblem`: length, username, common passwords), or undefined when it passes. Used
 * wherever a password is set: user creation, admin reset, self change.
 */
export function weakPasswordError(password: string, username: string): ApiErrorInput | undefined {
  const problem = passwordProblem(password, username);
  return problem === undefined ? undefined : invalidField('body.password', problem);
}
