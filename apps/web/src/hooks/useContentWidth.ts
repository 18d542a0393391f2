import { useLayoutEffect } from 'react';

/**
 * Lets the page (and the header, which lines up with it) grow to `px` wide while the calling
 * component is shown; other pages keep the narrow default of the stylesheet.
 */
export function useContentWidth(px: number): void {
  useLayoutEffect(() => {
    const root = document.documentElement;
    root.style.setProperty('--content-max', `${px}px`);
    return () => {
      root.style.removeProperty('--content-max');
    };
  }, [px]);
}
