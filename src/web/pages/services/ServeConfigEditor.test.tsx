import { fireEvent, screen } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';

import { serveHelloServeConfig } from '../../../shared/ray/serveHelloSample.ts';
import { renderWithFakeApi } from '../admin/renderWithFakeApi.tsx';
import { ServeConfigEditor } from './ServeConfigEditor.tsx';

function Harness() {
  const [value, setValue] = useState(serveHelloServeConfig);
  return <ServeConfigEditor label="Serve config" value={value} onChange={setValue} />;
}

const markedLines = () =>
  [...document.querySelectorAll('[data-invalid="true"]')].map((line) => line.textContent);

describe('ServeConfigEditor', () => {
  it('marks the failing line as you type and clears it when fixed', async () => {
    renderWithFakeApi(<Harness />, { path: '/services/new' });
    const editor = await screen.findByLabelText('Serve config');
    expect(screen.getByText('Serve config valid.')).toBeVisible();
    expect(markedLines()).toEqual([]);

    fireEvent.change(editor, {
      target: {
        value: serveHelloServeConfig.replace('route_prefix: /hello', 'route_prefx: /hello'),
      },
    });
    expect(markedLines()).toEqual(['4']);
    expect(screen.getByTestId('serve-config-problem').textContent).toMatch(
      /^Line 4: applications\[0\]\.route_prefx: unknown field/,
    );
    expect(editor).toHaveAttribute('aria-invalid', 'true');

    fireEvent.change(editor, { target: { value: serveHelloServeConfig } });
    expect(markedLines()).toEqual([]);
  });
});
