import type { Widget } from '@bucketgrid/shared';
import { useAlertRules } from '../../hooks/useAlertRules.tsx';
import { isFiring, rulesWatching } from '../../lib/alert-marks.ts';
import styles from './WidgetFrame.module.css';

/** A red mark in a widget's header while a rule on what it shows fires, with the rule's name. */
export function FiringMark({ widget }: { widget: Widget }) {
  const firing = rulesWatching(useAlertRules(), widget).filter(isFiring);
  const first = firing[0];
  if (!first) return null;
  const names = firing.map((rule) => rule.name).join(', ');
  return (
    <span
      className={styles.firing}
      role="img"
      aria-label={`Alert firing: ${names}`}
      title={`Alert firing: ${names}`}
    >
      <span aria-hidden="true">
        ● {first.name}
        {firing.length > 1 ? ` +${firing.length - 1}` : ''}
      </span>
    </span>
  );
}
