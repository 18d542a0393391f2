import type { RollGrace } from '@bucketgrid/shared';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { formatRelative } from '../../lib/format.ts';
import { type ApiKey, trpc } from '../../lib/trpc.ts';
import { DateTime } from '../DateTime.tsx';
import { Dialog } from '../Dialog.tsx';
import { RollKeyForm } from './RollKeyForm.tsx';
import { ShowKeyOnce } from './ShowKeyOnce.tsx';

/** Replaces a key with a new one of the same name and type, shown once. */
export function RollKeyPanel({ apiKey }: { apiKey: ApiKey }) {
  const dashboard = useDashboard();
  const utils = trpc.useUtils();
  const navigate = useNavigate();
  const [grace, setGrace] = useState<RollGrace>('24h');
  const roll = trpc.apiKeys.roll.useMutation({
    // Not kept in the mutation cache after the dialog lets go of it.
    gcTime: 0,
    onSuccess: () => utils.apiKeys.list.invalidate({ dashboardId: dashboard.id }),
  });
  const rolled = roll.data;

  const done = () => {
    roll.reset();
    if (rolled) navigate(`/${dashboard.workspace}/${dashboard.slug}/keys/${rolled.apiKey.id}`);
  };

  return (
    <>
      {apiKey.state === 'active' ? (
        <RollKeyForm
          grace={grace}
          onGrace={setGrace}
          pending={roll.isPending}
          error={roll.error}
          onRoll={() => roll.mutate({ dashboardId: dashboard.id, keyId: apiKey.id, grace })}
        />
      ) : (
        <p className="muted">Only an active key can be rolled. Create a new key instead.</p>
      )}
      {/* Outside the branch above: rolling with no grace revokes this very key. */}
      <Dialog open={rolled !== undefined} title="Key rolled" onClose={done} wide>
        {rolled && (
          <ShowKeyOnce
            fullKey={rolled.key}
            onDone={done}
            note={
              <p className="callout">
                {rolled.previous.expiresAt === null || rolled.previous.state !== 'active' ? (
                  <>The old key ({apiKey.hint}…) was revoked.</>
                ) : (
                  <>
                    The old key ({apiKey.hint}…) keeps working until{' '}
                    <strong>
                      <DateTime ms={rolled.previous.expiresAt} />
                    </strong>{' '}
                    ({formatRelative(rolled.previous.expiresAt, Date.now())}).
                  </>
                )}
              </p>
            }
          />
        )}
      </Dialog>
    </>
  );
}
