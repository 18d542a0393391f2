import type { BucketType } from '@bucketgrid/shared';
import { useEffect, useLayoutEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useStableArray } from '../../hooks/useStableArray.ts';
import type { ChartData } from '../../lib/chart-data.ts';
import { CHART_HEIGHT, chartOptions } from '../../lib/chart-options.ts';

interface Props {
  data: ChartData;
  type: BucketType;
  description: string;
}

function aligned(data: ChartData): uPlot.AlignedData {
  return [data.x, ...data.series.map((series) => series.values)];
}

/**
 * A uPlot chart. It is built once per shape (type and set of series) and otherwise only
 * handed new data, which keeps live updates of thousands of points cheap.
 */
export function BucketChart({ data, type, description }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(data);
  latest.current = data;
  const drawn = useRef<ChartData | null>(null);
  const seriesKeys = useStableArray(data.series.map((series) => series.key));

  useLayoutEffect(() => {
    const element = container.current;
    if (!element) return;
    const options = chartOptions({
      type,
      seriesKeys,
      width: element.clientWidth,
      labels: () => latest.current.labels,
    });
    const chart = new uPlot(options, aligned(latest.current), element);
    plot.current = chart;
    drawn.current = latest.current;
    const resize = new ResizeObserver(() =>
      chart.setSize({ width: element.clientWidth, height: CHART_HEIGHT }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [type, seriesKeys]);

  useEffect(() => {
    if (!plot.current || drawn.current === data) return;
    plot.current.setData(aligned(data));
    drawn.current = data;
  }, [data]);

  return <div ref={container} className="chart" role="img" aria-label={description} />;
}
