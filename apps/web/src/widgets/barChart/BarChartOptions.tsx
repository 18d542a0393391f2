import { LimitOption } from '../LimitOption.tsx';
import type { WidgetOptionsProps } from '../types.ts';

export function BarChartOptions(props: WidgetOptionsProps) {
  return <LimitOption label="Most bars (KV keys)" {...props} />;
}
