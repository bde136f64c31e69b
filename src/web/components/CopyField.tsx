import { ActionIcon, Box, Code, Group, Stack, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { useEffect, useId, useRef, useState } from 'react';

/** How long the "Copied" confirmation stays, in milliseconds. */
const copiedForMs = 1500;

/**
 * Puts `text` on the clipboard. `navigator.clipboard` exists only in secure contexts (HTTPS or
 * localhost), and a homelab portal is often plain HTTP on a LAN address, so this falls back to
 * selecting a hidden textarea and `document.execCommand('copy')`.
 */
async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Permission denied or not focused: try the fallback below.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}

/** Props of {@link CopyField}. */
export interface CopyFieldProps {
  /** What the value is, e.g. `Ray client address`; the copy button is named `Copy <label>`. */
  label: string;
  value: string;
  /** A short line under the label, e.g. where the address works. */
  description?: string;
  /** Show the value as a block (commands, YAML) instead of one line. */
  multiline?: boolean;
  /** Height limit of a multiline block in pixels before it scrolls. Default 360. */
  maxHeight?: number;
}

/**
 * A labelled, read-only value with a copy button: endpoints, commands and YAML on the cluster
 * page. The button says "Copied" for 1.5 s (also announced to screen readers) or "Copy failed".
 */
export function CopyField({
  label,
  value,
  description,
  multiline = false,
  maxHeight = 360,
}: CopyFieldProps) {
  const labelId = useId();
  const [outcome, setOutcome] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const copy = async () => {
    const copied = await copyText(value);
    setOutcome(copied ? 'copied' : 'failed');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setOutcome('idle'), copiedForMs);
  };

  // A scrolling block must be reachable by keyboard, and then it needs a name.
  const blockProps = multiline ? { tabIndex: 0, role: 'region', 'aria-labelledby': labelId } : {};
  const tooltip = outcome === 'copied' ? 'Copied' : outcome === 'failed' ? 'Copy failed' : 'Copy';
  return (
    <Stack gap={4}>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Box miw={0}>
          <Text id={labelId} size="sm" fw={600}>
            {label}
          </Text>
          {description && (
            <Text size="xs" c="dimmed">
              {description}
            </Text>
          )}
        </Box>
        <Group gap={6} wrap="nowrap">
          <Text size="xs" c={outcome === 'failed' ? 'red' : 'teal'} aria-live="polite">
            {outcome === 'copied' ? 'Copied' : outcome === 'failed' ? 'Copy failed' : ''}
          </Text>
          <Tooltip label={tooltip} withArrow>
            <ActionIcon
              variant="subtle"
              color={outcome === 'copied' ? 'teal' : 'gray'}
              aria-label={`Copy ${label}`}
              onClick={() => void copy()}
            >
              {outcome === 'copied' ? (
                <IconCheck size={16} aria-hidden />
              ) : (
                <IconCopy size={16} aria-hidden />
              )}
            </ActionIcon>
          </Tooltip>
        </Group>
      </Group>
      <Code
        block={multiline}
        style={{
          // Long lines wrap (anywhere: URLs and commands have no spaces), indentation stays.
          overflowWrap: 'anywhere',
          whiteSpace: multiline ? 'pre-wrap' : 'normal',
          overflow: multiline ? 'auto' : undefined,
          maxHeight: multiline ? maxHeight : undefined,
        }}
        {...blockProps}
      >
        {value}
      </Code>
    </Stack>
  );
}
