/**
 * The share page's two widget reads in `pnpm bench:share`: the chart (500 points) and the
 * stat's sparkline (100 points) of series 1, over the link's hour.
 */
export const widgetReads = (bucketId: string) => [
  { kind: 'downsample', bucketId, points: 500, series: [1] },
  { kind: 'downsample', bucketId, points: 100, series: [1] },
];

/** Both reads asked as the page asks them without pushed answers: one batched request. */
export function fetchWidgetReads(
  url: string,
  token: string,
  bucketId: string,
  headers: Record<string, string>,
): Promise<Response> {
  const now = Date.now();
  const input = Object.fromEntries(
    widgetReads(bucketId).map(({ kind: _kind, ...read }, i) => [
      i,
      { token, from: now - 3_600_000, to: now, ...read },
    ]),
  );
  return fetch(
    `${url}/trpc/share.downsample,share.downsample?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`,
    { headers },
  );
}
