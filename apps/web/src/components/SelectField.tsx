import { type ReactNode, type SelectHTMLAttributes, useId } from 'react';

interface Props extends SelectHTMLAttributes<HTMLSelectElement> {
  label: ReactNode;
  hint?: ReactNode;
}

export function SelectField({ label, hint, id, className, children, ...select }: Props) {
  const autoId = useId();
  const selectId = id ?? autoId;
  const hintId = `${selectId}-hint`;
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={selectId}>{label}</label>
      <select id={selectId} aria-describedby={hint ? hintId : undefined} {...select}>
        {children}
      </select>
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
    </div>
  );
}
