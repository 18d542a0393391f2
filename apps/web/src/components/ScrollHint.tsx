import { type ReactNode, useLayoutEffect, useRef, useState } from 'react';

/**
 * A box that scrolls sideways when its content is wider than the screen, and says so: a
 * fade and "Scroll →" on the side with more to see.
 */
export function ScrollHint({ children }: { children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const [more, setMore] = useState(false);
  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    const measure = () =>
      setMore(element.scrollLeft + element.clientWidth < element.scrollWidth - 1);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    element.addEventListener('scroll', measure, { passive: true });
    return () => {
      observer.disconnect();
      element.removeEventListener('scroll', measure);
    };
  }, []);
  return (
    <div className={more ? 'scroll-hint has-more' : 'scroll-hint'}>
      <div ref={box} className="table-wrap">
        {children}
      </div>
      {more && (
        <span className="scroll-hint-label" aria-hidden="true">
          Scroll →
        </span>
      )}
    </div>
  );
}
