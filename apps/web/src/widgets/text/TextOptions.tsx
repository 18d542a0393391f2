import { MAX_TEXT_WIDGET_LENGTH } from '@bucketgrid/shared';
import type { WidgetOptionsProps } from '../types.ts';

export function TextOptions({ draft, update, errorFor }: WidgetOptionsProps) {
  return (
    <div className="field">
      <label htmlFor="widget-markdown">Text (Markdown)</label>
      <textarea
        id="widget-markdown"
        rows={8}
        maxLength={MAX_TEXT_WIDGET_LENGTH}
        value={draft.markdown}
        onChange={(event) => update({ markdown: event.target.value })}
      />
      <p className="field-hint">
        **bold**, *italic*, [links](https://…), lists, `code`. HTML and images are not shown.
      </p>
      {errorFor('markdown') && <p className="field-error">{errorFor('markdown')}</p>}
    </div>
  );
}
