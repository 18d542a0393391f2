import { LimitOption } from '../LimitOption.tsx';
import type { WidgetOptionsProps } from '../types.ts';

export function TableOptions(props: WidgetOptionsProps) {
  return <LimitOption label="Rows" {...props} />;
}
