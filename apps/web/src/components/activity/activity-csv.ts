import Papa from 'papaparse';
import type { ActivityEntry } from '../../lib/trpc.ts';
import { actionLabels, describeChange } from './activity-labels.ts';

/** The entries as CSV: one row each, times in ISO 8601 (UTC), before/after as JSON. */
export function activityCsv(entries: ActivityEntry[]): string {
  return Papa.unparse(
    entries.map((entry) => ({
      time: new Date(entry.at).toISOString(),
      actor_type: entry.actor.type,
      actor: entry.actor.label,
      actor_id: entry.actor.id ?? '',
      action: entry.action,
      action_label: actionLabels[entry.action] ?? entry.action,
      target_type: entry.target.type,
      target: entry.target.label,
      target_id: entry.target.id,
      change: describeChange(entry.before, entry.after),
      before: entry.before === null ? '' : JSON.stringify(entry.before),
      after: entry.after === null ? '' : JSON.stringify(entry.after),
      address: entry.address ?? '',
    })),
    // Cells starting with = + - @ would run as formulas in a spreadsheet.
    { escapeFormulae: true },
  );
}

/** Hands the text to the browser as a file download. */
export function downloadText(text: string, filename: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  URL.revokeObjectURL(url);
}
