export interface RadioChoice<T extends string> {
  value: T;
  label: string;
  /** A line under the label. */
  detail?: string;
}

interface Props<T extends string> {
  legend: string;
  name: string;
  choices: RadioChoice<T>[];
  value: T;
  onChange: (value: T) => void;
  /** Choices side by side instead of stacked. */
  inline?: boolean;
}

/** A set of radio buttons with a legend. */
export function RadioGroup<T extends string>({
  legend,
  name,
  choices,
  value,
  onChange,
  inline,
}: Props<T>) {
  return (
    <fieldset className={inline ? 'choice-group choice-group-inline' : 'choice-group'}>
      <legend>{legend}</legend>
      {choices.map((choice) => (
        <label key={choice.value} className="choice">
          <input
            type="radio"
            name={name}
            value={choice.value}
            checked={value === choice.value}
            onChange={() => onChange(choice.value)}
          />
          {choice.detail === undefined ? (
            <span>{choice.label}</span>
          ) : (
            <span>
              <strong>{choice.label}</strong>
              <span className="muted">{choice.detail}</span>
            </span>
          )}
        </label>
      ))}
    </fieldset>
  );
}
