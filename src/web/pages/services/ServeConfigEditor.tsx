import { Box, Stack, Text } from '@mantine/core';
import { useMemo, useRef } from 'react';

import {
  type ServeConfigProblem,
  validateServeConfig,
} from '../../../shared/ray/validateServeConfig.ts';

/** Line height of the editor, in pixels (gutter and textarea must agree). */
const lineHeightPx = 20;

/**
 * A YAML editor for a Serve config: a textarea with a line-number gutter that marks every line
 * the shared validator (`validateServeConfig`, the server's own check) finds wrong, as you type.
 * A plain textarea rather than CodeMirror: see docs/adr (Serve config editor).
 */
export function ServeConfigEditor({
  value,
  onChange,
  label,
  serverProblems = [],
}: {
  value: string;
  onChange: (value: string) => void;
  label: string;
  /** Problems the server reported (e.g. after a dry run), marked like the local ones. */
  serverProblems?: readonly ServeConfigProblem[];
}) {
  const problems = useMemo(
    () => [...validateServeConfig(value).problems, ...serverProblems],
    [value, serverProblems],
  );
  const bad = new Set(problems.map((problem) => problem.line));
  const lines = Math.max(value.split('\n').length, 8);
  const gutter = useRef<HTMLDivElement>(null);
  return (
    <Stack gap={4}>
      <Text component="label" htmlFor="serve-config" fw={500} size="sm">
        {label}
      </Text>
      <Box
        style={{
          display: 'flex',
          border: '1px solid var(--mantine-color-default-border)',
          borderRadius: 4,
          fontFamily: 'var(--mantine-font-family-monospace)',
          fontSize: 13,
        }}
      >
        <Box
          ref={gutter}
          aria-hidden="true"
          style={{
            overflow: 'hidden',
            height: lineHeightPx * 18,
            textAlign: 'right',
            userSelect: 'none',
          }}
        >
          {Array.from({ length: lines }, (_, index) => (
            <div
              key={index}
              data-line={index + 1}
              data-invalid={bad.has(index + 1) ? 'true' : undefined}
              style={{
                height: lineHeightPx,
                lineHeight: `${lineHeightPx}px`,
                padding: '0 6px',
                color: bad.has(index + 1) ? 'white' : 'var(--mantine-color-dimmed)',
                background: bad.has(index + 1) ? 'var(--mantine-color-red-7)' : 'transparent',
              }}
            >
              {index + 1}
            </div>
          ))}
        </Box>
        <textarea
          id="serve-config"
          spellCheck={false}
          value={value}
          aria-invalid={problems.length > 0}
          aria-describedby="serve-config-problems"
          onChange={(event) => onChange(event.currentTarget.value)}
          onScroll={(event) => {
            if (gutter.current) gutter.current.scrollTop = event.currentTarget.scrollTop;
          }}
          style={{
            flex: 1,
            height: lineHeightPx * 18,
            lineHeight: `${lineHeightPx}px`,
            fontFamily: 'inherit',
            fontSize: 'inherit',
            border: 'none',
            outline: 'none',
            resize: 'vertical',
            padding: '0 6px',
            whiteSpace: 'pre',
            background: 'transparent',
            color: 'inherit',
          }}
        />
      </Box>
      <div id="serve-config-problems" role="status">
        {problems.length === 0 ? (
          <Text size="sm" c="green">
            Serve config valid.
          </Text>
        ) : (
          problems.map((problem, index) => (
            <Text key={index} size="sm" c="red" data-testid="serve-config-problem">
              Line {problem.line}: {problem.path ? `${problem.path}: ` : ''}
              {problem.message}
            </Text>
          ))
        )}
      </div>
    </Stack>
  );
}
