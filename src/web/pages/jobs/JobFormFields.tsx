import { NativeSelect, TagsInput, Textarea } from '@mantine/core';

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
        rows={3}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
      />
    </>
  );
}

/** Props of {@link PickField}. */
export interface PickFieldProps {
  label: string;
  description?: string;
  /** The first, empty choice, e.g. `Pick a template` or `All teams`. */
  placeholder: string;
  data: readonly (string | { value: string; label: string })[];
  value: string | null;
  onChange: (value: string | null) => void;
  error?: string | undefined;
  required?: boolean;
  w?: number;
}

/**
 * A native `<select>` with an empty first choice: keyboard and screen-reader friendly everywhere,
 * and what Playwright's `selectOption` and Testing Library's `selectOptions` drive.
 */
export function PickField({ placeholder, data, value, onChange, ...props }: PickFieldProps) {
  return (
    <NativeSelect
      {...props}
      data={[{ value: '', label: placeholder }, ...data]}
      value={value ?? ''}
      onChange={(event) => onChange(event.currentTarget.value || null)}
    />
  );
}
