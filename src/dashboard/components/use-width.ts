import { useCallback, useRef, useState } from 'preact/hooks';

/**
 * The pixel width of an element, kept current: charts draw in real pixels (viewBox = width), so
 * their text keeps its size on a phone instead of shrinking with the drawing. Returns a callback
 * ref, so an element that appears later (after data arrived) is measured too.
 */
export function useWidth<T extends Element>(initial = 640): [(el: T | null) => void, number] {
  const [width, setWidth] = useState(initial);
  const observer = useRef<ResizeObserver | null>(null);
  const ref = useCallback((el: T | null) => {
    observer.current?.disconnect();
    observer.current = null;
    if (!el) return;
    observer.current = new ResizeObserver(([entry]) => {
      const w = Math.round(entry?.contentRect.width ?? 0);
      if (w > 0) setWidth(w);
    });
    observer.current.observe(el);
  }, []);
  return [ref, width];
}
