import { useVirtualizer, type VirtualItem } from '@tanstack/react-virtual';
import { type RefObject, useEffect, useRef } from 'react';

/** Rows rendered beyond the visible ones, above and below. */
const overscan = 10;

/** What {@link usePagedVirtualRows} gives a table. */
export interface PagedVirtualRows {
  /** Put on the scrolling element. */
  scrollRef: RefObject<HTMLDivElement | null>;
  /** The rows to render now. */
  items: VirtualItem[];
  /** Heights (px) of the spacer rows above and below them. */
  padTop: number;
  padBottom: number;
}

/**
 * A virtualised list of server-paged rows: only the rows in view (plus {@link overscan}) are
 * rendered, and `onNeedMore` is called when the view nears the last loaded row while the server
 * has more (`rows.length < total`). For tables of thousands of rows (clusters, jobs).
 */
export function usePagedVirtualRows<Row>(options: {
  rows: readonly Row[];
  total: number;
  onNeedMore: (() => void) | undefined;
  loading: boolean;
  rowHeight: number;
  keyOf: (row: Row) => string;
}): PagedVirtualRows {
  const { rows, total, onNeedMore, loading, rowHeight, keyOf } = options;
  const scrollRef = useRef<HTMLDivElement>(null);
  // The app is not built with React Compiler, and nothing memoized receives the virtualizer's
  // functions, so the compiler's "incompatible library" notice does not apply here.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: loading ? 0 : rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    getItemKey: (index) => {
      const row = rows[index];
      return row ? keyOf(row) : index;
    },
    overscan,
  });
  const items = virtualizer.getVirtualItems();
  const lastInView = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (onNeedMore && rows.length < total && lastInView >= rows.length - overscan * 2) {
      onNeedMore();
    }
  }, [onNeedMore, rows.length, total, lastInView]);
  return {
    scrollRef,
    items,
    padTop: items[0]?.start ?? 0,
    padBottom: virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0),
  };
}
