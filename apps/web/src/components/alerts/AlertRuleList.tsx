import type { AlertState } from '@bucketgrid/shared';
import { Fragment, useState } from 'react';
import { ALERT_STATES_REFRESH_MS } from '../../hooks/useAlertRules.tsx';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { capabilities } from '../../lib/roles.ts';
import { trpc } from '../../lib/trpc.ts';
import { Badge, type BadgeTone } from '../Badge.tsx';
import { ErrorState } from '../ErrorState.tsx';
import { FormError } from '../FormError.tsx';
import { SkeletonRows } from '../SkeletonRows.tsx';
import { TimeAgo } from '../TimeAgo.tsx';
import { AlertHistory } from './AlertHistory.tsx';
import { AlertRuleForm } from './AlertRuleForm.tsx';
import { describeCondition } from './describe.ts';

const tones: Record<AlertState, BadgeTone> = {
  ok: 'success',
  pending: 'warning',
  firing: 'danger',
};

/**
 * Each rule with its state, since when, its last value; on demand its history and, for
 * owners and admins, its form (with the preview) to edit it.
 */
export function AlertRuleList() {
  const dashboard = useDashboard();
  const can = capabilities(dashboard.role);
  const utils = trpc.useUtils();
  const rules = trpc.alerts.list.useQuery(
    { dashboardId: dashboard.id },
    { refetchInterval: ALERT_STATES_REFRESH_MS },
  );
  const [open, setOpen] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const invalidate = () => utils.alerts.list.invalidate({ dashboardId: dashboard.id });
  const pause = trpc.alerts.pause.useMutation({ onSuccess: invalidate });
  const remove = trpc.alerts.delete.useMutation({ onSuccess: invalidate });

  if (rules.isPending) return <SkeletonRows label="Loading alert rules" />;
  if (rules.isError) return <ErrorState error={rules.error} onRetry={() => rules.refetch()} />;
  if (rules.data.length === 0) return <p className="muted">No alert rules yet.</p>;
  return (
    <div className="stack">
      <table className="table" aria-label="Alert rules">
        <thead>
          <tr>
            <th>Rule</th>
            <th>State</th>
            <th>Since</th>
            <th>Last value</th>
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rules.data.map((rule) => {
            const state = rule.state?.state ?? 'ok';
            return (
              <Fragment key={rule.id}>
                <tr data-rule={rule.name}>
                  <td>
                    <strong>{rule.name}</strong>
                    <div className="muted">{describeCondition(rule.condition)}</div>
                    {open === rule.id && <AlertHistory ruleId={rule.id} />}
                  </td>
                  <td>
                    {rule.paused ? (
                      <Badge>paused</Badge>
                    ) : (
                      <Badge tone={tones[state]}>{rule.state ? state : 'not evaluated yet'}</Badge>
                    )}
                  </td>
                  <td>
                    <TimeAgo ms={rule.state?.since ?? null} fallback="—" />
                  </td>
                  <td>{rule.state?.lastValue ?? '—'}</td>
                  <td className="form-row">
                    <button
                      type="button"
                      className="btn"
                      onClick={() => setOpen(open === rule.id ? null : rule.id)}
                    >
                      {open === rule.id ? 'Hide history' : 'History'}
                    </button>
                    {can.manageData && (
                      <>
                        <button
                          type="button"
                          className="btn"
                          onClick={() =>
                            pause.mutate({
                              dashboardId: dashboard.id,
                              ruleId: rule.id,
                              paused: !rule.paused,
                            })
                          }
                        >
                          {rule.paused ? 'Resume' : 'Pause'}
                        </button>
                        <button
                          type="button"
                          className="btn"
                          aria-expanded={editing === rule.id}
                          onClick={() => setEditing(editing === rule.id ? null : rule.id)}
                        >
                          Edit
                        </button>
                        <button
                          type="button"
                          className="btn btn-danger"
                          onClick={() =>
                            remove.mutate({ dashboardId: dashboard.id, ruleId: rule.id })
                          }
                        >
                          Delete
                        </button>
                      </>
                    )}
                  </td>
                </tr>
                {editing === rule.id && (
                  <tr>
                    <td colSpan={5}>
                      <AlertRuleForm rule={rule} onDone={() => setEditing(null)} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      <FormError error={pause.error ?? remove.error} />
    </div>
  );
}
