import { DEFAULT_GRID_MAX_WIDTH, type RelativeRange, relativeRangeNames } from '@bucketgrid/shared';
import type { GridDraft, GridEditSession } from '../../hooks/useGridEditSession.ts';
import { errorMessage } from '../../lib/errors.ts';
import { rangeLabels } from '../../lib/time-range.ts';
import styles from './EditBar.module.css';

/** Widest grids an admin may choose (px); the default fits screens up to 2,400 px. */
const GRID_WIDTHS = [1_440, 1_920, DEFAULT_GRID_MAX_WIDTH, 3_840, 7_680];

/** Edit mode's controls: add a widget, the range the dashboard opens on, its width, save. */
export function EditBar({
  session,
  draft,
  onAdd,
}: {
  session: GridEditSession;
  draft: GridDraft;
  onAdd: () => void;
}) {
  const { saving, saveError, conflict, newerSaved } = session;
  return (
    <section className={styles.bar} aria-label="Editing the layout">
      <strong>Editing</strong>
      <button type="button" className="btn btn-small" onClick={onAdd}>
        Add widget
      </button>
      <label className={styles.field}>
        Opens on
        <select
          value={draft.defaultRange}
          onChange={(event) => session.setDefaultRange(event.target.value as RelativeRange)}
        >
          {relativeRangeNames.map((name) => (
            <option key={name} value={name}>
              {rangeLabels[name]}
            </option>
          ))}
        </select>
      </label>
      <label className={styles.field}>
        Widest
        <select
          value={draft.maxWidth ?? DEFAULT_GRID_MAX_WIDTH}
          onChange={(event) => {
            const px = Number(event.target.value);
            session.setMaxWidth(px === DEFAULT_GRID_MAX_WIDTH ? null : px);
          }}
        >
          {GRID_WIDTHS.map((px) => (
            <option key={px} value={px}>
              {px.toLocaleString('en-US')} px{px === DEFAULT_GRID_MAX_WIDTH ? ' (default)' : ''}
            </option>
          ))}
        </select>
      </label>
      <span className={styles.end}>
        <button type="button" className="btn btn-small" onClick={session.cancel} disabled={saving}>
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-small btn-primary"
          onClick={session.save}
          disabled={saving}
        >
          {saving ? 'Saving…' : 'Save'}
        </button>
      </span>
      {(conflict || newerSaved) && (
        <div className={styles.conflict} role="alert">
          <p>
            {conflict
              ? 'Someone else saved this layout while you were editing; your changes were not saved.'
              : 'Someone else saved a newer version of this layout while you were editing.'}
          </p>
          <button type="button" className="btn btn-small" onClick={session.loadTheirs}>
            Load their version (discards your changes)
          </button>
        </div>
      )}
      {saveError !== null && !conflict && (
        <p className="form-error" role="alert">
          {errorMessage(saveError)}
        </p>
      )}
    </section>
  );
}
