import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { GpuBar } from './GpuBar.tsx';

function renderBar(props: Parameters<typeof GpuBar>[0]) {
  return render(
    <MantineProvider>
      <GpuBar {...props} />
    </MantineProvider>,
  );
}

describe('GpuBar', () => {
  it('is a meter of free GPUs out of the total, with a text label', () => {
    renderBar({ total: 4, used: 1, label: 'NVIDIA A100 on node-1' });
    const meter = screen.getByRole('meter', { name: 'NVIDIA A100 on node-1' });
    expect(meter).toHaveAttribute('aria-valuenow', '3');
    expect(meter).toHaveAttribute('aria-valuemin', '0');
    expect(meter).toHaveAttribute('aria-valuemax', '4');
    expect(meter).toHaveAttribute('aria-valuetext', '3 of 4 free');
    expect(screen.getByText('3 of 4 free')).toBeVisible();
  });

  it('never reports negative free GPUs while more are requested than allocatable', () => {
    renderBar({ total: 2, used: 3, label: 'draining node' });
    const meter = screen.getByRole('meter', { name: 'draining node' });
    expect(meter).toHaveAttribute('aria-valuenow', '0');
    expect(meter).toHaveAttribute('aria-valuetext', '0 of 2 free');
  });

  it('can hide its text but keeps it as the meter value', () => {
    renderBar({ total: 8, used: 0, label: 'idle', hideText: true });
    expect(screen.queryByText('8 of 8 free')).not.toBeInTheDocument();
    expect(screen.getByRole('meter', { name: 'idle' })).toHaveAttribute(
      'aria-valuetext',
      '8 of 8 free',
    );
  });
});
