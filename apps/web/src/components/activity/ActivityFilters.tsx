import {
  type ActivityAction,
  type ActivityActorType,
  activityActions,
  activityActorTypes,
} from '@bucketgrid/shared';
import { SelectField } from '../SelectField.tsx';
import { TextField } from '../TextField.tsx';
import styles from './Activity.module.css';
import { actionLabels, actorTypeLabels } from './activity-labels.ts';

export interface ActivityFilterValues {
  actorType: ActivityActorType | '';
  action: ActivityAction | '';
  /** Days as the date inputs give them (YYYY-MM-DD, the viewer's zone), or ''. */
  fromDay: string;
  toDay: string;
}

export const NO_FILTERS: ActivityFilterValues = {
  actorType: '',
  action: '',
  fromDay: '',
  toDay: '',
};

/** The filters as the server takes them: a day's bounds in the viewer's zone, in unix ms. */
export function toQuery(filters: ActivityFilterValues) {
  return {
    actorType: filters.actorType || undefined,
    action: filters.action || undefined,
    from: filters.fromDay ? new Date(`${filters.fromDay}T00:00:00`).getTime() : undefined,
    to: filters.toDay ? new Date(`${filters.toDay}T23:59:59.999`).getTime() : undefined,
  };
}

export function ActivityFilters({
  value,
  onChange,
}: {
  value: ActivityFilterValues;
  onChange: (next: ActivityFilterValues) => void;
}) {
  return (
    <fieldset className={styles.filters} aria-label="Filter the activity">
      <SelectField
        label="Actor"
        value={value.actorType}
        onChange={(event) =>
          onChange({ ...value, actorType: event.target.value as ActivityFilterValues['actorType'] })
        }
      >
        <option value="">Anyone</option>
        {activityActorTypes.map((type) => (
          <option key={type} value={type}>
            {actorTypeLabels[type]}
          </option>
        ))}
      </SelectField>
      <SelectField
        label="Action"
        value={value.action}
        onChange={(event) =>
          onChange({ ...value, action: event.target.value as ActivityFilterValues['action'] })
        }
      >
        <option value="">Any action</option>
        {activityActions.map((action) => (
          <option key={action} value={action}>
            {actionLabels[action]}
          </option>
        ))}
      </SelectField>
      <TextField
        label="From"
        type="date"
        value={value.fromDay}
        onChange={(event) => onChange({ ...value, fromDay: event.target.value })}
      />
      <TextField
        label="To"
        type="date"
        value={value.toDay}
        onChange={(event) => onChange({ ...value, toDay: event.target.value })}
      />
    </fieldset>
  );
}
