import type { WidgetDraft } from './draft.ts';

/** Series keys as the draft's series list (types without axes put every series left). */
export function axisLeft(sks: number[]): WidgetDraft['series'] {
  return sks.map((sk) => ({ sk, axis: 'left' as const }));
}
