import { type SeriesMeta, seriesListSchema } from '@bucketgrid/shared';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useBucketSeries } from '../../hooks/useBucketSeries.ts';
import { useDashboardId } from '../../hooks/useDashboard.ts';
import { paletteColor } from '../../lib/series-display.ts';
import type { Bucket } from '../../lib/trpc.ts';
import { trpc } from '../../lib/trpc.ts';
import { FormError } from '../FormError.tsx';
import { ScrollHint } from '../ScrollHint.tsx';

interface Row {
  sk: number;
  name: string;
  unit: string;
  /** Empty: the palette's colour. */
  color: string;
  decimals: string;
}

function rowsOf(bucket: Bucket, seen: number[]): Row[] {
  const keys = [...new Set([...bucket.series.map((s) => s.sk), ...seen])].sort((a, b) => a - b);
  return keys.map((sk) => {
    const meta = bucket.series.find((s) => s.sk === sk);
    return {
      sk,
      name: meta?.name ?? '',
      unit: meta?.unit ?? '',
      color: meta?.color ?? '',
      decimals:
        meta?.decimals === null || meta?.decimals === undefined ? '' : String(meta.decimals),
    };
  });
}

/**
 * Names, units, colours and decimals of the bucket's series keys: every legend, axis,
 * tooltip, stat and table header shows them. A key left without a name stays "Series N".
 */
export function SeriesForm({ bucket }: { bucket: Bucket }) {
  const dashboardId = useDashboardId();
  const utils = trpc.useUtils();
  const probe = useBucketSeries(dashboardId, bucket.id);
  const seen = probe.data?.series.map((s) => s.sk) ?? [];
  const [rows, setRows] = useState<Row[] | null>(null);
  const shown = rows ?? rowsOf(bucket, seen);
  const [problem, setProblem] = useState<{ index: number; field: string; message: string } | null>(
    null,
  );
  const [newKey, setNewKey] = useState('');
  const save = useMutation({
    mutationFn: (series: SeriesMeta[]) =>
      utils.client.buckets.setSeries.mutate({ dashboardId, bucketId: bucket.id, series }),
    onSuccess: async () => {
      setRows(null);
      await Promise.all([
        utils.buckets.get.invalidate({ dashboardId, bucketId: bucket.id }),
        utils.buckets.list.invalidate({ dashboardId }),
      ]);
    },
  });

  const edit = (index: number, patch: Partial<Row>) => {
    setProblem(null);
    save.reset();
    setRows(shown.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  };

  function submit(event: FormEvent) {
    event.preventDefault();
    const described = shown
      .map((row, index) => ({ row, index }))
      .filter(
        ({ row }) =>
          row.name.trim() !== '' ||
          row.unit.trim() !== '' ||
          row.color !== '' ||
          row.decimals !== '',
      );
    const candidate = described.map(({ row }) => ({
      sk: row.sk,
      name: row.name,
      unit: row.unit,
      color: row.color === '' ? null : row.color,
      decimals: row.decimals === '' ? null : Number(row.decimals),
    }));
    const result = seriesListSchema.safeParse(candidate);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const at = typeof issue.path[0] === 'number' ? issue.path[0] : 0;
      const field = String(issue.path[1] ?? 'name');
      const message =
        field === 'name' && issue.code === 'too_small'
          ? 'Give it a name (or clear the row).'
          : issue.message;
      return setProblem({ index: described[at]?.index ?? 0, field, message });
    }
    save.mutate(result.data);
  }

  function addKey() {
    const sk = Number(newKey);
    if (!Number.isInteger(sk) || sk < 1 || sk > 1000) return;
    setNewKey('');
    if (shown.some((row) => row.sk === sk)) return;
    setRows(
      [...shown, { sk, name: '', unit: '', color: '', decimals: '' }].sort((a, b) => a.sk - b.sk),
    );
  }

  const changed = rows !== null;
  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="series-title">
      <div className="card-header">
        <h3 id="series-title">Series</h3>
        <p className="muted">Names, units and colours every chart, stat and table uses.</p>
      </div>
      {shown.length === 0 ? (
        <p className="muted">
          No series yet: they appear here once records arrive, or add a key below.
        </p>
      ) : (
        <ScrollHint>
          <table className="table table-compact series-table">
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Name</th>
                <th scope="col">Unit</th>
                <th scope="col">Colour</th>
                <th scope="col">Decimals</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((row, index) => {
                const error = problem?.index === index ? problem : null;
                const label = `series ${row.sk}`;
                return (
                  <tr key={row.sk}>
                    <td className="mono">{row.sk}</td>
                    <td>
                      <input
                        aria-label={`Name of ${label}`}
                        placeholder={`Series ${row.sk}`}
                        value={row.name}
                        maxLength={60}
                        aria-invalid={error?.field === 'name' || undefined}
                        onChange={(event) => edit(index, { name: event.target.value })}
                      />
                      {error && <p className="field-error">{error.message}</p>}
                    </td>
                    <td>
                      <input
                        className="input-short"
                        aria-label={`Unit of ${label}`}
                        value={row.unit}
                        maxLength={16}
                        onChange={(event) => edit(index, { unit: event.target.value })}
                      />
                    </td>
                    <td>
                      <input
                        type="color"
                        aria-label={`Colour of ${label}`}
                        value={row.color || paletteColor(index)}
                        onChange={(event) => edit(index, { color: event.target.value })}
                      />
                    </td>
                    <td>
                      <select
                        aria-label={`Decimals of ${label}`}
                        value={row.decimals}
                        onChange={(event) => edit(index, { decimals: event.target.value })}
                      >
                        <option value="">auto</option>
                        {[0, 1, 2, 3, 4, 5, 6].map((n) => (
                          <option key={n} value={n}>
                            {n}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollHint>
      )}
      <div className="series-other">
        <input
          type="number"
          min={1}
          max={1000}
          aria-label="Series key to describe"
          placeholder="Series key"
          value={newKey}
          onChange={(event) => setNewKey(event.target.value)}
        />
        <button type="button" className="btn btn-small" onClick={addKey}>
          Add a series key
        </button>
      </div>
      <FormError error={save.error} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={!changed || save.isPending}>
          {save.isPending ? 'Saving…' : 'Save series'}
        </button>
        {changed && (
          <button type="button" className="btn" onClick={() => setRows(null)}>
            Discard
          </button>
        )}
        {save.isSuccess && !changed && (
          <span className="success-text" role="status">
            Saved.
          </span>
        )}
      </div>
    </form>
  );
}
