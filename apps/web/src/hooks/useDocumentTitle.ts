import { useEffect } from 'react';

/** Sets the tab's title (`Bucket · Dashboard · Bucketgrid`) while the page is shown. */
export function useDocumentTitle(...parts: (string | undefined)[]): void {
  const title = [...parts.filter(Boolean), 'Bucketgrid'].join(' · ');
  useEffect(() => {
    const previous = document.title;
    document.title = title;
    return () => {
      document.title = previous;
    };
  }, [title]);
}
