import { useCallback, useMemo, useState } from 'react';

import { LogBuffer } from './LogBuffer.ts';

/**
 * A {@link LogBuffer} owned by a component, with the version number that re-renders the
 * `LogViewer` after each append or clear.
 */
export function useLogBuffer() {
  const buffer = useMemo(() => new LogBuffer(), []);
  const [version, setVersion] = useState(0);
  const append = useCallback(
    (text: string) => {
      if (!text) return;
      buffer.append(text);
      setVersion((value) => value + 1);
    },
    [buffer],
  );
  const clear = useCallback(() => {
    buffer.clear();
    setVersion((value) => value + 1);
  }, [buffer]);
  return { buffer, version, append, clear };
}
