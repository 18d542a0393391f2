import { useEffect, useState } from 'react';
import { copyText } from '../lib/clipboard.ts';

interface Props {
  text: string;
  label?: string;
  /** What is copied, for screen readers when the label alone is vague ("Copy"). */
  what?: string;
}

export function CopyButton({ text, label = 'Copy', what }: Props) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2500);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = () =>
    copyText(text).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  return (
    <button
      type="button"
      className="btn btn-small"
      onClick={copy}
      aria-label={what ? `${label} ${what}` : undefined}
    >
      <span aria-live="polite">
        {state === 'copied' ? 'Copied ✓' : state === 'failed' ? 'Press Ctrl+C' : label}
      </span>
    </button>
  );
}
