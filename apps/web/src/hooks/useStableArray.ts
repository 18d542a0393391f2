import { useRef } from 'react';

/** The same array instance for as long as its items are equal, for effects that rebuild on change. */
export function useStableArray<T>(items: T[]): T[] {
  const ref = useRef(items);
  const previous = ref.current;
  if (previous.length !== items.length || previous.some((item, i) => item !== items[i])) {
    ref.current = items;
  }
  return ref.current;
}
