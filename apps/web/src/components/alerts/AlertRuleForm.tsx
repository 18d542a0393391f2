import {
  type AlertAggregation,
  type AlertComparison,
  alertAggregations,
  alertComparisons,
  seriesName,
  thresholdConditionSchema,
} from '@bucketgrid/shared';
import { type FormEvent, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { type AlertRule, trpc } from '../../lib/trpc.ts';
import { FormError } from '../FormError.tsx';
import { SelectField } from '../SelectField.tsx';
import { TextField } from '../TextField.tsx';
import { AlertRulePreview } from './AlertRulePreview.tsx';

/**
 * A new threshold or no-data rule, or `rule` edited; the server checks every field
 * (docs/alerts.md). A time chart's "New alert rule" opens it with `?bucket=…&series=2,3`
 * filled in: the chart's bucket, and its series to choose among. A threshold rule shows its
 * preview as it is filled in.
 */
export function AlertRuleForm({ rule, onDone }: { rule?: AlertRule; onDone?: () => void }) {
  const [search] = useSearchParams();
  const dashboard = useDashboard();
  const utils = trpc.useUtils();
  const buckets = trpc.buckets.list.useQuery({ dashboardId: dashboard.id });
  const points = trpc.contactPoints.list.useQuery({ dashboardId: dashboard.id });
  const watchable = (buckets.data ?? []).filter((bucket) => bucket.type !== 'KV');
  const edited = rule?.condition;
  const held = edited?.kind === 'threshold' ? edited : undefined;
  const [name, setName] = useState(rule?.name ?? '');
  const [kind, setKind] = useState<'threshold' | 'no_data'>(edited?.kind ?? 'threshold');
  const [bucketId, setBucketId] = useState(() => edited?.bucketId ?? search.get('bucket') ?? '');
  // The chart's series, when the form was opened from a chart that shows several.
  const [chartSeries] = useState(() =>
    rule ? [] : (search.get('series') ?? '').split(',').filter(Boolean),
  );
  const [seriesKey, setSeriesKey] = useState(() =>
    edited ? String(edited.seriesKey ?? '') : (chartSeries[0] ?? '1'),
  );
  const [aggregation, setAggregation] = useState<AlertAggregation>(held?.aggregation ?? 'avg');
  const [windowMinutes, setWindowMinutes] = useState(() =>
    String((held?.window ?? (edited?.kind === 'no_data' ? edited.silence : 300_000)) / 60_000),
  );
  const [comparison, setComparison] = useState<AlertComparison>(held?.comparison ?? 'above');
  const [threshold, setThreshold] = useState(held ? String(held.threshold) : '');
  const [threshold2, setThreshold2] = useState(String(held?.threshold2 ?? ''));
  const [forSeconds, setForSeconds] = useState(String((held?.forMs ?? 0) / 1000));
  const [contactPointIds, setContactPointIds] = useState<string[]>(rule?.contactPointIds ?? []);
  const create = trpc.alerts.create.useMutation({
    async onSuccess() {
      setName('');
      await utils.alerts.list.invalidate({ dashboardId: dashboard.id });
    },
  });
  const update = trpc.alerts.update.useMutation({
    async onSuccess() {
      await utils.alerts.list.invalidate({ dashboardId: dashboard.id });
      onDone?.();
    },
  });
  const saving = rule ? update : create;
  const two = comparison === 'outside' || comparison === 'inside';
  const bucket = bucketId || watchable[0]?.id || '';

  const window = Math.round(Number(windowMinutes) * 60_000);
  const condition =
    kind === 'threshold'
      ? {
          kind,
          bucketId: bucket,
          seriesKey: Number(seriesKey),
          aggregation,
          window,
          comparison,
          threshold: threshold.trim() === '' ? Number.NaN : Number(threshold),
          ...(two
            ? { threshold2: threshold2.trim() === '' ? Number.NaN : Number(threshold2) }
            : {}),
          forMs: Math.round(Number(forSeconds) * 1000),
        }
      : {
          kind,
          bucketId: bucket,
          ...(seriesKey === '' ? {} : { seriesKey: Number(seriesKey) }),
          silence: window,
        };
  // The preview waits for a condition the server would take (it says what is wrong on create).
  const previewed = kind === 'threshold' ? thresholdConditionSchema.safeParse(condition) : null;
  const chosenBucket = watchable.find((b) => b.id === bucket);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (rule) {
      update.mutate({
        dashboardId: dashboard.id,
        ruleId: rule.id,
        rule: { name, condition, contactPointIds },
      });
    } else create.mutate({ dashboardId: dashboard.id, name, condition, contactPointIds });
  }

  return (
    <form
      className="card stack"
      onSubmit={submit}
      aria-label={rule ? `Edit alert rule ${rule.name}` : 'New alert rule'}
    >
      <div className="form-row">
        <TextField label="Name" required value={name} onChange={(e) => setName(e.target.value)} />
        <SelectField
          label="Kind"
          value={kind}
          onChange={(e) => setKind(e.target.value as typeof kind)}
        >
          <option value="threshold">Threshold</option>
          <option value="no_data">No data</option>
        </SelectField>
        <SelectField label="Bucket" value={bucket} onChange={(e) => setBucketId(e.target.value)}>
          {watchable.map((b) => (
            <option key={b.id} value={b.id}>
              {b.name}
            </option>
          ))}
        </SelectField>
        {chartSeries.length > 1 ? (
          <SelectField
            label="Series key"
            value={seriesKey}
            onChange={(e) => setSeriesKey(e.target.value)}
          >
            {chartSeries.map((sk) => (
              <option key={sk} value={sk}>
                {seriesName(chosenBucket?.series ?? [], Number(sk))}
              </option>
            ))}
          </SelectField>
        ) : (
          <TextField
            label="Series key"
            inputMode="numeric"
            value={seriesKey}
            onChange={(e) => setSeriesKey(e.target.value)}
            hint={kind === 'no_data' ? 'Empty: the whole bucket.' : undefined}
          />
        )}
      </div>
      <div className="form-row">
        {kind === 'threshold' && (
          <SelectField
            label="Aggregation"
            value={aggregation}
            onChange={(e) => setAggregation(e.target.value as AlertAggregation)}
          >
            {alertAggregations.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </SelectField>
        )}
        <TextField
          label={kind === 'threshold' ? 'Window (minutes)' : 'Silent for (minutes)'}
          inputMode="decimal"
          value={windowMinutes}
          onChange={(e) => setWindowMinutes(e.target.value)}
          hint="1 minute to 24 hours."
        />
        {kind === 'threshold' && (
          <>
            <SelectField
              label="Comparison"
              value={comparison}
              onChange={(e) => setComparison(e.target.value as AlertComparison)}
            >
              {alertComparisons.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </SelectField>
            <TextField
              label={two ? 'Low' : 'Threshold'}
              inputMode="decimal"
              required
              value={threshold}
              onChange={(e) => setThreshold(e.target.value)}
            />
            {two && (
              <TextField
                label="High"
                inputMode="decimal"
                required
                value={threshold2}
                onChange={(e) => setThreshold2(e.target.value)}
              />
            )}
            <TextField
              label="For (seconds)"
              inputMode="numeric"
              value={forSeconds}
              onChange={(e) => setForSeconds(e.target.value)}
              hint="How long it must hold before it fires."
            />
          </>
        )}
      </div>
      {previewed && (
        <AlertRulePreview
          condition={previewed.success ? previewed.data : null}
          bucket={chosenBucket}
        />
      )}
      {(points.data ?? []).length > 0 && (
        <fieldset className="form-row">
          <legend>Notify</legend>
          {(points.data ?? []).map((point) => (
            <label key={point.id}>
              <input
                type="checkbox"
                checked={contactPointIds.includes(point.id)}
                onChange={(e) =>
                  setContactPointIds(
                    e.target.checked
                      ? [...contactPointIds, point.id]
                      : contactPointIds.filter((id) => id !== point.id),
                  )
                }
              />{' '}
              {point.name}
            </label>
          ))}
        </fieldset>
      )}
      <div className="form-row">
        <button type="submit" className="btn btn-primary" disabled={saving.isPending || !bucket}>
          {saving.isPending ? 'Saving…' : rule ? 'Save rule' : 'Create rule'}
        </button>
        {onDone && (
          <button type="button" className="btn" onClick={onDone}>
            Cancel
          </button>
        )}
        <FormError error={saving.error} />
      </div>
    </form>
  );
}
