import { setTimeZoneChoice, useTimeFormat } from '../hooks/useTimeFormat.ts';

/** Local time or UTC for every time the app shows; the choice is kept in this browser. */
export function ZoneToggle() {
  const format = useTimeFormat();
  return (
    <fieldset className="segmented segmented-small" aria-label="Time zone" title={format.zoneLabel}>
      <button
        type="button"
        className="segment"
        aria-pressed={format.zone === 'local'}
        onClick={() => setTimeZoneChoice('local')}
      >
        Local
      </button>
      <button
        type="button"
        className="segment"
        aria-pressed={format.zone === 'utc'}
        onClick={() => setTimeZoneChoice('utc')}
      >
        UTC
      </button>
    </fieldset>
  );
}
