import { ApiError } from '../../../shared/client/ApiError.ts';
import { normalizeFieldPath } from '../create-cluster/serverFieldErrors.ts';

/** Errors by request field (`entrypoint`, `runtimeEnv.pip`, `cluster.template`…), as shown. */
export type JobFieldErrors = Record<string, string>;

/**
 * The server's field errors of a submit, keyed by request field without the `body.` prefix (a
 * schema failure says `body.runtimeEnv.pip.0`, a service check `body.runtimeEnv.pip[0]`: both
 * land on `runtimeEnv.pip`, the input the person can fix). Several messages for one field are
 * joined so none is lost. The server already words them as the web does (humanizeSchemaMessage).
 */
export function jobFieldErrors(error: unknown): JobFieldErrors {
  const errors: JobFieldErrors = {};
  if (!(error instanceof ApiError)) return errors;
  for (const field of error.fields) {
    const path = normalizeFieldPath(field.path);
    if (!path.startsWith('body.')) continue;
    const key = path.slice('body.'.length).replace(/\[\d+\]$/, '');
    const previous = errors[key];
    errors[key] = previous ? `${previous}; ${field.message}` : field.message;
  }
  return errors;
}

/**
 * `KEY=value` lines (one per line, blank lines ignored) as Ray's `env_vars`; a line without `=`
 * is reported by its number, so the form can say which.
 */
export function parseEnvLines(text: string): { vars: Record<string, string>; bad?: string } {
  const vars: Record<string, string> = {};
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line) continue;
    const at = line.indexOf('=');
    if (at <= 0) return { vars, bad: `line ${index + 1} is not KEY=value` };
    vars[line.slice(0, at).trim()] = line.slice(at + 1);
  }
  return { vars };
}

/** Env vars back as `KEY=value` lines (resubmit). */
export function envLines(vars: Record<string, string> | undefined): string {
  return Object.entries(vars ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
}
