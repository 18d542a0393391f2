import { lazy } from 'react';
import type { WidgetDefinition } from '../types.ts';
import { TextOptions } from './TextOptions.tsx';

export const text: WidgetDefinition<'text'> = {
  label: 'Text',
  hint: 'A short Markdown note',
  size: { w: 4, h: 3, minW: 2, minH: 1 },
  bucket: null,
  titlePlaceholder: 'Empty: no title',
  defaultTitle: () => 'Note',
  toDraft: (widget) => ({ markdown: widget.markdown }),
  fromDraft: (draft) => ({ markdown: draft.markdown }),
  // Notes load their Markdown parser only when a dashboard has one.
  View: lazy(() => import('./TextWidget.tsx').then((module) => ({ default: module.TextWidget }))),
  Options: TextOptions,
};
