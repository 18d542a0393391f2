import type { Widget } from '@bucketgrid/shared';
import { Markdown } from '../../components/Markdown.tsx';

export function TextWidget({ widget }: { widget: Extract<Widget, { type: 'text' }> }) {
  return (
    <div className="widget-scroll">
      <Markdown source={widget.markdown} />
    </div>
  );
}
