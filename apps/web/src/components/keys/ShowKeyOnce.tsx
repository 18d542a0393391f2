import { type ReactNode, useId, useState } from 'react';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { apiReferenceHref } from '../../lib/api-reference.ts';
import { curlExample } from '../../lib/curl.ts';
import { trpc } from '../../lib/trpc.ts';
import { CodeBlock } from '../CodeBlock.tsx';
import { CopyButton } from '../CopyButton.tsx';

interface Props {
  /** The full key: it exists in the browser only while this is on screen. */
  fullKey: string;
  note?: ReactNode;
  onDone: () => void;
}

export function ShowKeyOnce({ fullKey, note, onDone }: Props) {
  const dashboard = useDashboard();
  const inputId = useId();
  const [now] = useState(Date.now);
  const buckets = trpc.buckets.list.useQuery({ dashboardId: dashboard.id });
  const first = buckets.data?.[0];
  const command = curlExample({
    origin: window.location.origin,
    bucketId: first?.id ?? 'BUCKET_ID',
    type: first?.type ?? 'TSV',
    apiKey: fullKey,
    now,
  });
  return (
    <div className="stack">
      <div className="callout callout-warning" role="note">
        <strong>Copy this key now: it will not be shown again.</strong> Bucketgrid keeps only a hash
        of it. If it is lost, roll the key or create a new one.
      </div>
      <div className="field">
        <label htmlFor={inputId}>Your new API key</label>
        <div className="secret-row">
          <input
            id={inputId}
            className="mono secret-input"
            readOnly
            value={fullKey}
            onFocus={(event) => event.currentTarget.select()}
            spellCheck={false}
          />
          <CopyButton text={fullKey} label="Copy key" />
        </div>
      </div>
      {note}
      <div>
        <h3 className="subheading">Try it</h3>
        <p className="muted">
          {first
            ? `Writes one record to the bucket "${first.name}".`
            : 'Create a bucket first, then put its id in place of BUCKET_ID.'}
        </p>
      </div>
      <CodeBlock code={command} what="curl example" />
      <p className="muted">
        Every route, with examples in curl, Python, Go and Node:{' '}
        {/* A new tab: this dialog is the only place the key is ever shown. */}
        <a href={apiReferenceHref(first)} target="_blank" rel="noopener">
          API reference
        </a>
        .
      </p>
      <div className="dialog-actions">
        <button type="button" className="btn btn-primary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
