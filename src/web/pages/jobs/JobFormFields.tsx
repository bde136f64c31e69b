import { TagsInput, Textarea } from '@mantine/core';

import { jobRequestLimits } from '../../../shared/api/jobSchemas.ts';
import type { JobFieldErrors } from './jobFormErrors.ts';

/** Props of {@link RuntimeEnvFields}. */
export interface RuntimeEnvFieldsProps {
  pip: string[];
  onPip: (value: string[]) => void;
  envText: string;
  onEnvText: (value: string) => void;
  errors: JobFieldErrors;
  /** Inline error of the env lines (not `KEY=value`). */
  envLineError?: string | undefined;
}

/** The pip packages and environment variables of a job's runtime env, shared by both forms. */
export function RuntimeEnvFields({
  pip,
  onPip,
  envText,
  onEnvText,
  errors,
  envLineError,
}: RuntimeEnvFieldsProps) {
  return (
    <>
      <TagsInput
        label="pip packages"
        description="Installed for this job by Ray (runtime_env pip), e.g. torch==2.5.1. Enter after each."
        value={pip}
        onChange={onPip}
        maxTags={jobRequestLimits.maxPip}
        error={errors['runtimeEnv.pip']}
        clearable
      />
      <Textarea
        label="Environment variables"
        description="One KEY=value per line. Values are not shown on the jobs list."
        value={envText}
        onChange={(event) => onEnvText(event.currentTarget.value)}
        error={envLineError ?? errors['runtimeEnv.envVars']}
        autosize
        minRows={2}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
      />
    </>
  );
}
