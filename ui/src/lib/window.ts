import { useCallback, useLayoutEffect, useRef, useState } from "react";

/**
 * Windowed lists drawn by hand: only the rows in view (and a few more each side) exist in
 * the page, placed from their offsets, with nothing measured per row (a virtualiser keeping
 * 20,000 rows' measurements stalls the page on every change of the list).
 */

/** The rows to draw, [first, last), of `count` rows `row` px tall scrolled to `top` with
 *  `height` px in view, `overscan` more each side. */
export function fixedRowsInView(count: number, row: number, top: number, height: number, overscan: number): [number, number] {
  // A list that shrank under the scroll offset shows its end (as the browser clamps it).
  const t = Math.max(0, Math.min(top, count * row - height));
  const first = Math.max(0, Math.floor(t / row) - overscan);
  const last = Math.min(count, Math.ceil((t + height) / row) + overscan);
  return [first, last];
}

/** Where each row starts, and (last) the list's height: row `i` is `heightOf(i)` px tall. */
export function offsetsOf(count: number, heightOf: (i: number) => number): Float64Array {
  const at = new Float64Array(count + 1);
  for (let i = 0; i < count; i++) at[i + 1] = at[i] + heightOf(i);
  return at;
}

/** The row at `y` px (the last row when past the end; 0 for an empty list). */
function rowAt(offsets: Float64Array, y: number): number {
  let lo = 0;
  let hi = offsets.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid] <= y) lo = mid;
    else hi = mid - 1;
  }
  return Math.max(0, lo);
}

/** The rows to draw, [first, last), of a list laid out by `offsets` (see {@link offsetsOf}),
 *  scrolled to `top` with `height` px in view, `overscan` more each side. */
export function rowsInView(offsets: Float64Array, top: number, height: number, overscan: number): [number, number] {
  const count = offsets.length - 1;
  if (count <= 0) return [0, 0];
  const t = Math.max(0, Math.min(top, offsets[count] - height));
  const first = Math.max(0, rowAt(offsets, t) - overscan);
  const last = Math.min(count, rowAt(offsets, t + height) + 1 + overscan);
  return [first, last];
}

/** A scrolling element's offset and height, followed as it scrolls and resizes. The offset
 *  is kept to multiples of `step` px (a row): scrolling within a row redraws nothing. */
export function useScrollView<T extends HTMLElement>(step: number) {
  const ref = useRef<T>(null);
  const [top, setTop] = useState(0);
  const [height, setHeight] = useState(600);
  const onScroll = useCallback((e: React.UIEvent<T>) => setTop(Math.floor(e.currentTarget.scrollTop / step) * step), [step]);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return { ref, top, height, onScroll };
}
