import { Alert, Box, Button, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { type ReactNode, useRef, useState } from 'react';

import type { FieldError } from '../../../shared/api/apiErrorBody.ts';
import { accessibleColors } from '../gpus/accessibleColors.ts';
import { yamlLineOfPath } from './yamlLineOfPath.ts';

/** Props of {@link YamlPreview}. */
export interface YamlPreviewProps {
  /** The server's dry-run YAML; undefined when no preview succeeded yet. */
  yaml: string | undefined;
  /** Kubernetes' field errors on the manifest (`spec.workerGroupSpecs[0].replicas`). */
  errors: readonly FieldError[];
  /** One line saying what will be created, e.g. "rtx4090-1 in team-a: 2 workers, 2 GPUs". */
  summary: ReactNode;
  busy: 'preview' | 'create' | undefined;
  onBack: () => void;
  onPreview: () => void;
  onCreate: () => void;
}

/** Line height of the editor in px; the gutter and the textarea must agree on it. */
const lineHeight = 20;

/** The character range of 1-based `line` in `text`. */
function lineRange(text: string, line: number): [number, number] {
  let start = 0;
  for (let at = 1; at < line; at += 1) {
    const next = text.indexOf('\n', start);
    if (next < 0) break;
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  return [start, end < 0 ? text.length : end];
}

/**
 * The YAML as an editor shows it: line numbers beside a read-only monospace textarea, lines with
 * a field error marked in the gutter, and each error listed with a button that selects its line.
 */
function YamlEditor({ yaml, errors }: { yaml: string; errors: readonly FieldError[] }) {
  const gutter = useRef<HTMLDivElement>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const lines = yaml.split('\n');
  const located = errors.map((error) => ({ ...error, line: yamlLineOfPath(yaml, error.path) }));
  const errorLines = new Set(located.flatMap((error) => (error.line ? [error.line] : [])));
  // Room for the widest line number plus the error marker.
  const gutterWidth = `${String(lines.length).length + 3}ch`;

  const reveal = (line: number) => {
    const textarea = area.current;
    if (!textarea) return;
    const [start, end] = lineRange(yaml, line);
    textarea.focus();
    textarea.setSelectionRange(start, end);
    textarea.scrollTop = Math.max(0, (line - 3) * lineHeight);
  };
  const font = {
    fontFamily: 'var(--mantine-font-family-monospace)',
    fontSize: 13,
    lineHeight: `${lineHeight}px`,
  };

  return (
    <Stack gap="sm">
      <Box
        pos="relative"
        style={{
          border: '1px solid var(--mantine-color-default-border)',
          borderRadius: 'var(--mantine-radius-md)',
          overflow: 'hidden',
        }}
      >
        <Box
          ref={gutter}
          aria-hidden
          pos="absolute"
          top={0}
          bottom={0}
          left={0}
          w={gutterWidth}
          py={8}
          pr={8}
          bg="var(--mantine-color-default-hover)"
          style={{ ...font, overflow: 'hidden', textAlign: 'right', userSelect: 'none' }}
          data-testid="yaml-gutter"
        >
          {lines.map((_, index) => {
            const marked = errorLines.has(index + 1);
            return (
              <div
                key={index}
                data-error={marked || undefined}
                style={{
                  color: marked ? accessibleColors.error : accessibleColors.muted,
                  fontWeight: marked ? 700 : undefined,
                }}
              >
                {marked ? `● ${index + 1}` : index + 1}
              </div>
            );
          })}
        </Box>
        <textarea
          ref={area}
          readOnly
          aria-label="Cluster YAML"
          value={yaml}
          wrap="off"
          spellCheck={false}
          rows={Math.min(Math.max(lines.length, 8), 26)}
          onScroll={(event) => {
            if (gutter.current) gutter.current.scrollTop = event.currentTarget.scrollTop;
          }}
          style={{
            ...font,
            display: 'block',
            width: '100%',
            boxSizing: 'border-box',
            padding: `8px 12px 8px calc(${gutterWidth} + 12px)`,
            margin: 0,
            border: 0,
            resize: 'vertical',
            whiteSpace: 'pre',
            overflow: 'auto',
            background: 'var(--mantine-color-body)',
            color: 'var(--mantine-color-text)',
          }}
        />
      </Box>
      {located.length > 0 && (
        <Alert color="red" title="Kubernetes rejected these fields of the YAML" role="alert">
          <List size="sm" spacing={4}>
            {located.map((error) => (
              <List.Item key={`${error.path}:${error.message}`}>
                <Group gap="xs" wrap="wrap">
                  <Text span size="sm" ff="monospace">
                    {error.path}
                  </Text>
                  <Text span size="sm">
                    {error.message}
                  </Text>
                  {error.line !== undefined && (
                    <Button
                      variant="subtle"
                      size="compact-xs"
                      onClick={() => reveal(error.line ?? 1)}
                    >
                      Show line {error.line}
                    </Button>
                  )}
                </Group>
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
    </Stack>
  );
}

function CopyYamlButton({ yaml }: { yaml: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      // The Clipboard API exists only in secure contexts; a homelab portal is often plain http.
      if (navigator.clipboard) await navigator.clipboard.writeText(yaml);
      else {
        const scratch = document.createElement('textarea');
        scratch.value = yaml;
        document.body.append(scratch);
        scratch.select();
        document.execCommand('copy');
        scratch.remove();
      }
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      setCopied(false);
    }
  };
  return (
    <Button
      variant="default"
      size="xs"
      leftSection={
        copied ? <IconCheck size={14} aria-hidden /> : <IconCopy size={14} aria-hidden />
      }
      onClick={() => void copy()}
    >
      {copied ? 'Copied' : 'Copy YAML'}
    </Button>
  );
}

/**
 * Step 3: the RayCluster exactly as the server would create it (its dry-run YAML), Kubernetes'
 * field errors against it, and the final "Create cluster". Enter submits the create.
 */
export function YamlPreview({
  yaml,
  errors,
  summary,
  busy,
  onBack,
  onPreview,
  onCreate,
}: YamlPreviewProps) {
  return (
    <form
      noValidate
      aria-label="Review and create"
      onSubmit={(event) => {
        event.preventDefault();
        onCreate();
      }}
    >
      <Stack gap="md">
        <Paper withBorder p="lg" radius="md">
          <Stack gap="sm">
            <Group justify="space-between" align="flex-start">
              <div>
                <Title order={3} size="h4">
                  YAML preview
                </Title>
                <Text size="sm" c={accessibleColors.muted}>
                  The RayCluster as Kubernetes would store it (server dry run, defaults filled in).
                  Read-only: change the shape in the previous step.
                </Text>
              </div>
              {yaml !== undefined && <CopyYamlButton yaml={yaml} />}
            </Group>
            <Text size="sm" fw={500}>
              {summary}
            </Text>
            {yaml !== undefined ? (
              <YamlEditor yaml={yaml} errors={errors} />
            ) : (
              <Text size="sm">No preview yet: press Preview YAML.</Text>
            )}
          </Stack>
        </Paper>
        <Group justify="space-between">
          <Button variant="default" onClick={onBack}>
            Back to shape
          </Button>
          <Group gap="sm">
            <Button
              variant="default"
              onClick={onPreview}
              loading={busy === 'preview'}
              disabled={busy !== undefined && busy !== 'preview'}
            >
              Preview YAML
            </Button>
            <Button
              type="submit"
              loading={busy === 'create'}
              disabled={busy !== undefined && busy !== 'create'}
            >
              Create cluster
            </Button>
          </Group>
        </Group>
      </Stack>
    </form>
  );
}
