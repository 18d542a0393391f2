import type { Widget } from '@bucketgrid/shared';
import { Markdown } from '../../components/Markdown.tsx';
import styles from '../Widget.module.css';

export function TextWidget({ widget }: { widget: Extract<Widget, { type: 'text' }> }) {
  return (
    <div className={styles.scroll}>
      <Markdown source={widget.markdown} />
    </div>
  );
}
