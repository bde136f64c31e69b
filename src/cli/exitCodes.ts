/**
 * The CLI's exit codes, documented in the README ("CLI", exit codes table). Scripts branch on
 * them, so a number never changes meaning.
 */
export const exitCodes = {
  /** Done. */
  ok: 0,
  /** The portal answered with an error (4xx/5xx not listed below), or it could not be reached. */
  error: 1,
  /** Bad usage: unknown verb or flag, missing argument, invalid value; nothing was sent. */
  usage: 2,
  /** Not signed in, or the token was refused (401) or lacks the right (403). */
  auth: 3,
  /** The named resource does not exist (404). */
  notFound: 4,
  /** What `--wait` or a job waited for ended badly: cluster Failed, job FAILED or STOPPED. */
  failed: 5,
  /** This portal version has no API for the verb (its endpoint answers 404 for the route). */
  notAvailable: 6,
  /** Refused: `delete` without `--yes` and no terminal, or the prompt was answered no. */
  refused: 7,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** An error the CLI prints as is (no stack) and exits with `code`. */
export class CliError extends Error {
  readonly code: ExitCode;
  constructor(message: string, code: ExitCode) {
    super(message);
    this.name = 'CliError';
    this.code = code;
  }
}
