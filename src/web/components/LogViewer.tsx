import {
  ActionIcon,
  Badge,
  Box,
  Button,
  Group,
  Stack,
  Switch,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import {
  IconArrowDown,
  IconChevronDown,
  IconChevronUp,
  IconDownload,
  IconPlayerPause,
  IconSearch,
} from '@tabler/icons-react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type CSSProperties, type ReactNode, useEffect, useMemo, useRef, useState } from 'react';

import type { LogBuffer } from './log/LogBuffer.ts';
import { type AnsiSpan, type AnsiStyle, parseAnsi } from './log/parseAnsi.ts';

/** Height of one unwrapped line, in pixels (12 px monospace, 1.5 line height). */
const lineHeight = 18;
/** Lines rendered beyond the view either side. */
const overscan = 30;
/** Search stops counting here, so a one-letter search of a 50 MB log stays responsive. */
export const maxSearchMatches = 10_000;

/** Props of {@link LogViewer}. */
export interface LogViewerProps {
  /** Accessible name of the log region, e.g. `Log of job gpu-check`. */
  label: string;
  /** The lines; the owner appends to it and bumps `version`. */
  buffer: LogBuffer;
  /** Changes whenever `buffer` changed (the buffer itself is mutable). */
  version: number;
  /** File name of the download, e.g. `gpu-check.log`. */
  fileName: string;
  /** URL of the whole log as text (the server's copy); without it the buffer is downloaded. */
  downloadHref?: string | undefined;
  /** Shown left of the tools, e.g. a "Live" or "Ended" badge. */
  status?: ReactNode;
  /** Shown in the log area while it is empty. */
  emptyText?: string;
  /** Height of the scrolling area (CSS). Default 480 px. */
  height?: number | string;
}

/** One search hit: line index and the character range in the line's plain text. */
interface Match {
  line: number;
  start: number;
  end: number;
  /** The match that previous/next is on. */
  current?: boolean;
}

/** Foreground CSS colour of an SGR colour on the viewer's dark background (AA contrast). */
function colorOf(style: AnsiStyle): string | undefined {
  const fg = style.fg;
  if (!fg) return undefined;
  if (fg.name === 'black') return `var(--mantine-color-gray-${fg.bright ? 5 : 6})`;
  if (fg.name === 'white') return fg.bright ? '#ffffff' : 'var(--mantine-color-gray-3)';
  return `var(--mantine-color-${fg.name === 'magenta' ? 'grape' : fg.name}-${fg.bright ? 2 : 4})`;
}

function styleOf(style: AnsiStyle): CSSProperties | undefined {
  const color = colorOf(style);
  if (!color && !style.bold) return undefined;
  return { ...(color ? { color } : {}), ...(style.bold ? { fontWeight: 700 } : {}) };
}

/** Splits styled spans further where search matches start and end, marking the matched parts. */
function segmentsOf(
  spans: readonly AnsiSpan[],
  ranges: readonly Match[],
): { text: string; style: AnsiStyle; mark: 'none' | 'match' | 'current' }[] {
  if (ranges.length === 0) return spans.map((span) => ({ ...span, mark: 'none' as const }));
  const segments: { text: string; style: AnsiStyle; mark: 'none' | 'match' | 'current' }[] = [];
  let offset = 0;
  for (const span of spans) {
    const spanEnd = offset + span.text.length;
    let cursor = offset;
    for (const range of ranges) {
      const from = Math.max(range.start, cursor);
      const to = Math.min(range.end, spanEnd);
      if (to <= from) continue;
      if (from > cursor) {
        segments.push({
          text: span.text.slice(cursor - offset, from - offset),
          style: span.style,
          mark: 'none',
        });
      }
      segments.push({
        text: span.text.slice(from - offset, to - offset),
        style: span.style,
        mark: range.current ? 'current' : 'match',
      });
      cursor = to;
    }
    if (cursor < spanEnd) {
      segments.push({ text: span.text.slice(cursor - offset), style: span.style, mark: 'none' });
    }
    offset = spanEnd;
  }
  return segments;
}

/** Every occurrence of `query` (case-insensitive) in the buffer's plain lines, up to the cap. */
function findMatches(buffer: LogBuffer, query: string): Match[] {
  const needle = query.toLowerCase();
  const matches: Match[] = [];
  if (!needle) return matches;
  for (let line = 0; line < buffer.lineCount; line += 1) {
    const text = buffer.plainLine(line).toLowerCase();
    let at = text.indexOf(needle);
    while (at !== -1) {
      matches.push({ line, start: at, end: at + needle.length });
      if (matches.length >= maxSearchMatches) return matches;
      at = text.indexOf(needle, at + needle.length);
    }
  }
  return matches;
}

/** Saves text as a file through a temporary object URL. */
function saveText(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.click();
  URL.revokeObjectURL(url);
}

/**
 * A log, live or finished: virtualised lines (only those in view are in the DOM, so a multi-MB log
 * scrolls smoothly), line numbers, ANSI colours as styled text (escape codes are parsed, never
 * injected as HTML), search with a match count and previous/next, a wrap toggle and a download.
 * It follows the end while new lines arrive; scrolling up pauses following, scrolling back to the
 * bottom (or "Follow") resumes it. Used for job logs and pod logs.
 */
export function LogViewer({
  label,
  buffer,
  version,
  fileName,
  downloadHref,
  status,
  emptyText = 'No log lines yet.',
  height = 480,
}: LogViewerProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [following, setFollowing] = useState(true);
  const [wrap, setWrap] = useState(false);
  const [query, setQuery] = useState('');
  const [current, setCurrent] = useState(0);
  const lastScrollTop = useRef(0);
  const count = buffer.lineCount;

  // `version` stands for the buffer's content, which the buffer object's identity does not show.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const matches = useMemo(() => findMatches(buffer, query), [buffer, query, version]);
  const currentMatch = matches.length ? matches[Math.min(current, matches.length - 1)] : undefined;
  const matchesByLine = useMemo(() => {
    const byLine = new Map<number, Match[]>();
    for (const match of matches) {
      const list = byLine.get(match.line) ?? [];
      list.push(match === currentMatch ? { ...match, current: true } : match);
      byLine.set(match.line, list);
    }
    return byLine;
  }, [matches, currentMatch]);

  // The app is not built with React Compiler, and nothing memoized receives the virtualizer's
  // functions, so the compiler's "incompatible library" notice does not apply here.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => lineHeight,
    overscan,
  });

  useEffect(() => {
    // Wrapped lines have their own heights; unwrapped ones are all one line high again.
    virtualizer.measure();
  }, [wrap, virtualizer]);

  useEffect(() => {
    if (following && count > 0) virtualizer.scrollToIndex(count - 1, { align: 'end' });
  }, [following, count, version, virtualizer]);

  const onScroll = () => {
    const element = scrollRef.current;
    if (!element) return;
    const top = element.scrollTop;
    const atBottom = top + element.clientHeight >= element.scrollHeight - lineHeight / 2;
    if (atBottom) setFollowing(true);
    else if (top < lastScrollTop.current) setFollowing(false);
    lastScrollTop.current = top;
  };

  const goTo = (index: number) => {
    if (!matches.length) return;
    const next = (index + matches.length) % matches.length;
    setCurrent(next);
    setFollowing(false);
    const match = matches[next];
    if (match) virtualizer.scrollToIndex(match.line, { align: 'center' });
  };

  const download = () => {
    if (downloadHref) {
      const anchor = document.createElement('a');
      anchor.href = downloadHref;
      anchor.download = fileName;
      anchor.click();
    } else {
      saveText(buffer.plainText(), fileName);
    }
  };

  const matchText = !query
    ? ''
    : matches.length === 0
      ? 'No matches'
      : `${Math.min(current, matches.length - 1) + 1} of ${matches.length}${
          matches.length >= maxSearchMatches ? '+' : ''
        }`;
  const numberWidth = `${String(Math.max(count, 1)).length + 1}ch`;
  const items = virtualizer.getVirtualItems();

  return (
    <Stack gap="xs">
      <Group gap="xs" justify="space-between" wrap="wrap">
        <Group gap="xs">
          {status}
          <Text size="xs" c="dimmed">
            {count.toLocaleString('en-US')} lines
          </Text>
        </Group>
        <Group gap="xs" wrap="wrap">
          <TextInput
            size="xs"
            aria-label="Search log"
            placeholder="Search log"
            leftSection={<IconSearch size={14} aria-hidden />}
            value={query}
            onChange={(event) => {
              setQuery(event.currentTarget.value);
              setCurrent(0);
            }}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                event.preventDefault();
                goTo(event.shiftKey ? current - 1 : current + 1);
              }
            }}
            w={200}
          />
          {query && (
            <Text size="xs" aria-live="polite" data-testid="log-match-count">
              {matchText}
            </Text>
          )}
          <Tooltip label="Previous match">
            <ActionIcon
              variant="default"
              aria-label="Previous match"
              disabled={!matches.length}
              onClick={() => goTo(current - 1)}
            >
              <IconChevronUp size={16} aria-hidden />
            </ActionIcon>
          </Tooltip>
          <Tooltip label="Next match">
            <ActionIcon
              variant="default"
              aria-label="Next match"
              disabled={!matches.length}
              onClick={() => goTo(current + 1)}
            >
              <IconChevronDown size={16} aria-hidden />
            </ActionIcon>
          </Tooltip>
          <Switch
            size="xs"
            label="Wrap lines"
            checked={wrap}
            onChange={(event) => setWrap(event.currentTarget.checked)}
          />
          <Button
            size="xs"
            variant={following ? 'light' : 'default'}
            aria-pressed={following}
            leftSection={
              following ? (
                <IconArrowDown size={14} aria-hidden />
              ) : (
                <IconPlayerPause size={14} aria-hidden />
              )
            }
            onClick={() => setFollowing((value) => !value)}
          >
            {following ? 'Following' : 'Paused: follow'}
          </Button>
          <Button
            size="xs"
            variant="default"
            leftSection={<IconDownload size={14} aria-hidden />}
            onClick={download}
          >
            Download
          </Button>
        </Group>
      </Group>
      <Box
        ref={scrollRef}
        role="region"
        aria-label={label}
        // Focusable so keyboard users can scroll it (a scrollable region must be reachable).
        tabIndex={0}
        onScroll={onScroll}
        data-testid="log-scroll"
        style={{
          height,
          overflow: 'auto',
          background: 'var(--mantine-color-dark-8)',
          color: 'var(--mantine-color-gray-2)',
          fontFamily: 'var(--mantine-font-family-monospace)',
          fontSize: 12,
          lineHeight: `${lineHeight}px`,
          borderRadius: 'var(--mantine-radius-md)',
        }}
      >
        {count === 0 ? (
          <Text size="sm" p="sm" c="gray.4">
            {emptyText}
          </Text>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const { spans } = parseAnsi(buffer.line(item.index), buffer.startStyle(item.index));
              const segments = segmentsOf(spans, matchesByLine.get(item.index) ?? []);
              return (
                <div
                  key={item.key}
                  data-index={item.index}
                  // Unwrapped lines are all one line high; only wrapped ones need measuring.
                  ref={wrap ? virtualizer.measureElement : undefined}
                  data-testid="log-line"
                  style={{
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    minWidth: '100%',
                    transform: `translateY(${item.start}px)`,
                    display: 'flex',
                    whiteSpace: wrap ? 'pre-wrap' : 'pre',
                    wordBreak: wrap ? 'break-all' : undefined,
                    width: wrap ? '100%' : undefined,
                  }}
                >
                  <span
                    style={{
                      flex: 'none',
                      width: numberWidth,
                      paddingRight: 8,
                      textAlign: 'right',
                      color: 'var(--mantine-color-gray-5)',
                      userSelect: 'none',
                    }}
                  >
                    {item.index + 1}
                  </span>
                  <span style={{ flex: 1, minWidth: 0 }} data-testid="log-text">
                    {segments.map((segment, index) =>
                      segment.mark === 'none' ? (
                        <span key={index} style={styleOf(segment.style)}>
                          {segment.text}
                        </span>
                      ) : (
                        <mark
                          key={index}
                          data-current={segment.mark === 'current' || undefined}
                          style={{
                            ...styleOf(segment.style),
                            color: '#000000',
                            background:
                              segment.mark === 'current'
                                ? 'var(--mantine-color-orange-4)'
                                : 'var(--mantine-color-yellow-2)',
                          }}
                        >
                          {segment.text}
                        </mark>
                      ),
                    )}
                  </span>
                </div>
              );
            })}
          </div>
        )}
      </Box>
      {!following && count > 0 && (
        <Badge variant="light" color="gray" tt="none" c="bright">
          Paused: new lines are not scrolled into view
        </Badge>
      )}
    </Stack>
  );
}
