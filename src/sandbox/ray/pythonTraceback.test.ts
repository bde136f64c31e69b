import { describe, expect, it } from 'vitest';

import { pythonTraceback, rayFrame, raySitePackages } from './pythonTraceback.ts';

describe('pythonTraceback', () => {
  it('formats frames as traceback.format_exc does, skipping empty source lines', () => {
    expect(
      pythonTraceback(
        [
          rayFrame('dashboard/x.py', 3, 'f', 'g()'),
          { file: '<string>', line: 1, function: '<module>', code: '' },
        ],
        'ValueError: bad',
      ),
    ).toBe(
      `Traceback (most recent call last):\n  File "${raySitePackages}/dashboard/x.py", line 3, in f\n    g()\n  File "<string>", line 1, in <module>\nValueError: bad\n`,
    );
  });
});
