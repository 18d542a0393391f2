import { useState } from 'react';
import type { ApiKey } from '../../lib/trpc.ts';
import { Tabs } from '../Tabs.tsx';
import { KeyFacts } from './KeyFacts.tsx';
import { KeyState } from './KeyState.tsx';
import { KeyTypeBadge } from './KeyTypeBadge.tsx';
import { RevokeKeyPanel } from './RevokeKeyPanel.tsx';
import { RollKeyPanel } from './RollKeyPanel.tsx';

export function KeyDetail({ apiKey }: { apiKey: ApiKey }) {
  const [tab, setTab] = useState('details');
  return (
    <section className="card" aria-labelledby="key-title">
      <div className="card-header">
        <div className="bucket-title">
          <h3 id="key-title">{apiKey.name}</h3>
          <KeyTypeBadge type={apiKey.type} />
          <KeyState apiKey={apiKey} />
        </div>
      </div>
      <Tabs
        label={`Key ${apiKey.name}`}
        selected={tab}
        onSelect={setTab}
        tabs={[
          { id: 'details', label: 'Details', content: <KeyFacts apiKey={apiKey} /> },
          { id: 'roll', label: 'Roll', content: <RollKeyPanel apiKey={apiKey} /> },
          { id: 'danger', label: 'Danger', content: <RevokeKeyPanel apiKey={apiKey} /> },
        ]}
      />
    </section>
  );
}
