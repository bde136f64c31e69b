import { MantineProvider } from '@mantine/core';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useEffect } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { useLogBuffer } from './log/useLogBuffer.ts';
import { LogViewer } from './LogViewer.tsx';

/** jsdom lays nothing out: give the log a viewport so the virtualiser renders lines. */
const viewportHeight = 360;
let restore: () => void = () => undefined;
beforeEach(() => {
  const descriptor = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.dataset['testid'] === 'log-scroll' ? viewportHeight : 0;
    },
  });
  restore = () => {
    if (descriptor) Object.defineProperty(HTMLElement.prototype, 'clientHeight', descriptor);
  };
});
afterEach(() => restore());

const appenders: ((text: string) => void)[] = [];
function Harness({ downloadHref }: { downloadHref?: string }) {
  const log = useLogBuffer();
  useEffect(() => {
    appenders.push(log.append);
  }, [log.append]);
  return (
    <LogViewer
      label="Log of job demo"
      buffer={log.buffer}
      version={log.version}
      fileName="demo.log"
      downloadHref={downloadHref}
    />
  );
}

function renderViewer(downloadHref?: string) {
  return render(
    <MantineProvider>
      <Harness {...(downloadHref ? { downloadHref } : {})} />
    </MantineProvider>,
  );
}

function append(text: string) {
  act(() => appenders.at(-1)?.(text));
}

describe('LogViewer', () => {
  it('shows lines with numbers and colours as styled text, partial lines joined', () => {
    renderViewer();
    const log = screen.getByRole('region', { name: 'Log of job demo' });
    expect(log).toHaveTextContent('No log lines yet.');
    append('\u001b[31mred <b>not bold</b>\u001b[0m then pla');
    append('in\nsecond line\n');
    const lines = within(log).getAllByTestId('log-line');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toHaveTextContent('1red <b>not bold</b> then plain');
    expect(lines[1]).toHaveTextContent('2second line');
    expect(log.querySelector('b')).toBeNull();
    const red = within(lines[0] as HTMLElement).getByText('red <b>not bold</b>');
    expect(red.getAttribute('style')).toContain('--mantine-color-red-4');
    expect(screen.getByText('2 lines')).toBeInTheDocument();
  });

  it('renders only the lines in view of a long log', () => {
    renderViewer();
    append(Array.from({ length: 20_000 }, (_, index) => `line ${index + 1}`).join('\n'));
    expect(screen.getByText('20,000 lines')).toBeInTheDocument();
    const rendered = screen.getAllByTestId('log-line');
    expect(rendered.length).toBeGreaterThan(0);
    expect(rendered.length).toBeLessThan(200);
  });

  it('counts search matches and moves between them with next, previous and Enter', async () => {
    const user = userEvent.setup();
    renderViewer();
    append('alpha ERROR one\nbeta\nerror two and Error three\n');
    await user.type(screen.getByRole('textbox', { name: 'Search log' }), 'error');
    expect(screen.getByTestId('log-match-count')).toHaveTextContent('1 of 3');
    const current = () => document.querySelector('mark[data-current]');
    expect(current()).toHaveTextContent('ERROR');
    await user.click(screen.getByRole('button', { name: 'Next match' }));
    expect(screen.getByTestId('log-match-count')).toHaveTextContent('2 of 3');
    expect(current()?.closest('[data-testid="log-line"]')).toHaveTextContent('3error two');
    await user.click(screen.getByRole('button', { name: 'Previous match' }));
    await user.click(screen.getByRole('button', { name: 'Previous match' }));
    expect(screen.getByTestId('log-match-count')).toHaveTextContent('3 of 3');
    await user.type(screen.getByRole('textbox', { name: 'Search log' }), '{Enter}');
    expect(screen.getByTestId('log-match-count')).toHaveTextContent('1 of 3');
    await user.clear(screen.getByRole('textbox', { name: 'Search log' }));
    await user.type(screen.getByRole('textbox', { name: 'Search log' }), 'zzz');
    expect(screen.getByTestId('log-match-count')).toHaveTextContent('No matches');
    expect(screen.getByRole('button', { name: 'Next match' })).toBeDisabled();
  });

  it('pauses following when scrolled up and resumes at the bottom', () => {
    renderViewer();
    append(Array.from({ length: 500 }, (_, index) => `line ${index + 1}`).join('\n'));
    const log = screen.getByTestId('log-scroll');
    expect(screen.getByRole('button', { name: 'Following' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    Object.defineProperty(log, 'scrollHeight', { configurable: true, value: 9000 });
    log.scrollTop = 8640;
    fireEvent.scroll(log);
    log.scrollTop = 4000;
    fireEvent.scroll(log);
    expect(screen.getByRole('button', { name: 'Paused: follow' })).toHaveAttribute(
      'aria-pressed',
      'false',
    );
    expect(screen.getByText('Paused: new lines are not scrolled into view')).toBeInTheDocument();
    log.scrollTop = 9000 - viewportHeight;
    fireEvent.scroll(log);
    expect(screen.getByRole('button', { name: 'Following' })).toBeInTheDocument();
  });

  it('toggles wrapping', async () => {
    const user = userEvent.setup();
    renderViewer();
    append('a very long line\n');
    const line = screen.getByTestId('log-line');
    expect(line.style.whiteSpace).toBe('pre');
    await user.click(screen.getByRole('switch', { name: 'Wrap lines' }));
    expect(screen.getByTestId('log-line').style.whiteSpace).toBe('pre-wrap');
  });

  it('downloads the text without escape codes as a .log file', async () => {
    const user = userEvent.setup();
    const saved: Blob[] = [];
    const names: string[] = [];
    const createObjectURL = vi.fn((blob: Blob) => {
      saved.push(blob);
      return 'blob:log';
    });
    const revokeObjectURL = vi.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      names.push(this.download);
    });
    renderViewer();
    append('\u001b[32mok\u001b[0m\nlast');
    await user.click(screen.getByRole('button', { name: 'Download' }));
    expect(names).toEqual(['demo.log']);
    expect(await saved[0]?.text()).toBe('ok\nlast');
    expect(revokeObjectURL).toHaveBeenCalledWith('blob:log');
    click.mockRestore();
  });

  it('downloads the server’s copy when it has one', async () => {
    const user = userEvent.setup();
    const hrefs: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      hrefs.push(this.getAttribute('href') ?? '');
    });
    renderViewer('/api/v1/jobs/team-a/x/log.txt');
    append('x\n');
    await user.click(screen.getByRole('button', { name: 'Download' }));
    expect(hrefs).toEqual(['/api/v1/jobs/team-a/x/log.txt']);
    click.mockRestore();
  });
});
