import { invalid, type StatusCauseBody } from './statusError.ts';

/** Longest field manager name Kubernetes accepts (`FieldManagerMaxLength`), in bytes. */
const fieldManagerMaxLength = 128;

/** Which options object a write's query parameters are, for Kubernetes' error messages. */
export type WriteVerb = 'create' | 'update' | 'patch' | 'apply';

/** A write's field manager and `force`, read from its query. */
export interface FieldManagerOptions {
  fieldManager: string;
  force: boolean;
}

/**
 * The field manager of a write, as the API server reads it: the `fieldManager` parameter, else
 * (except for apply, which requires it) the User-Agent up to its first `/` with unprintable
 * characters dropped and at most 128 bytes (`prefixFromUserAgent`: `kubectl/v1.35.0 (linux…)`
 * is `kubectl`). `force` (a query boolean) only for apply. Invalid options are 422 on
 * `CreateOptions`/`UpdateOptions`/`PatchOptions.meta.k8s.io` with upstream's messages.
 */
export function fieldManagerOptions(
  query: URLSearchParams,
  userAgent: string | undefined,
  verb: WriteVerb,
): FieldManagerOptions {
  const causes: StatusCauseBody[] = [];
  const forceRaw = query.get('force');
  const force =
    forceRaw !== null && forceRaw !== '0' && forceRaw.toLowerCase() !== 'false' && forceRaw !== '';
  if (verb === 'patch' && forceRaw !== null) {
    causes.push({
      reason: 'FieldValueForbidden',
      message: 'Forbidden: may not be specified for non-apply patch',
      field: 'force',
    });
  }
  const requested = query.get('fieldManager') ?? '';
  if (verb === 'apply' && requested === '') {
    causes.push({
      reason: 'FieldValueRequired',
      message: 'Required value: is required for apply patch',
      field: 'fieldManager',
    });
  }
  if (Buffer.byteLength(requested, 'utf8') > fieldManagerMaxLength) {
    causes.push({
      reason: 'FieldValueTooLong',
      message: `Too long: may not be more than ${fieldManagerMaxLength} bytes`,
      field: 'fieldManager',
    });
  }
  [...requested].forEach((character, index) => {
    if (!isPrintable(character)) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(requested)}: all characters must be printable`,
        field: `fieldManager[${index}]`,
      });
    }
  });
  if (causes.length > 0) {
    const kind =
      { create: 'CreateOptions', update: 'UpdateOptions' }[verb as string] ?? 'PatchOptions';
    throw invalid(kind, 'meta.k8s.io', '', causes);
  }
  return {
    fieldManager: requested === '' ? prefixFromUserAgent(userAgent ?? '') : requested,
    force: verb === 'apply' && force,
  };
}

/** Go's `unicode.IsPrint`, near enough: no control, format or separator characters but space. */
function isPrintable(character: string): boolean {
  return character === ' ' || !/[\p{C}\p{Z}]/u.test(character);
}

function prefixFromUserAgent(userAgent: string): string {
  let out = '';
  for (const character of userAgent.split('/')[0] ?? '') {
    if (!isPrintable(character)) continue;
    if (Buffer.byteLength(out + character, 'utf8') > fieldManagerMaxLength) break;
    out += character;
  }
  return out;
}
