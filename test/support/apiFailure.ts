import { expect } from 'vitest';

import { ApiError } from '../../src/shared/client/ApiError.ts';

/** The `ApiError` a call must reject with; fails the test when it resolves or throws anything else. */
export async function apiFailure(call: Promise<unknown>): Promise<ApiError> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}
