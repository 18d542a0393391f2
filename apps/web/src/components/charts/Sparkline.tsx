import styles from './Sparkline.module.css';

interface Props {
  x: number[];
  y: number[];
  color: string;
}

/** A small trend line as SVG (no axes); the stat widget's range at a glance. */
export function Sparkline({ x, y, color }: Props) {
  if (x.length < 2) return null;
  const minX = x[0]!;
  const spanX = x.at(-1)! - minX || 1;
  const minY = Math.min(...y);
  const spanY = Math.max(...y) - minY || 1;
  const points = x
    .map(
      (xi, i) =>
        `${(((xi - minX) / spanX) * 100).toFixed(2)},${(30 - ((y[i]! - minY) / spanY) * 28 - 1).toFixed(2)}`,
    )
    .join(' ');
  return (
    <svg
      className={styles.sparkline}
      viewBox="0 0 100 30"
      preserveAspectRatio="none"
      aria-hidden="true"
    >
      <polyline
        points={points}
        fill="none"
        stroke={color}
        strokeWidth="1.5"
        vectorEffect="non-scaling-stroke"
      />
    </svg>
  );
}
