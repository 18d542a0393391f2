import { apiReferenceHref } from '../../lib/api-reference.ts';
import { formatCount } from '../../lib/format.ts';
import type { Bucket } from '../../lib/trpc.ts';
import { CopyButton } from '../CopyButton.tsx';
import { DateTime } from '../DateTime.tsx';
import { TimeAgo } from '../TimeAgo.tsx';

export function BucketFacts({ bucket }: { bucket: Bucket }) {
  return (
    <dl className="facts">
      <div className="fact-wide">
        <dt>Bucket ID</dt>
        <dd className="fact-with-action">
          <code>{bucket.id}</code>
          <CopyButton text={bucket.id} what="bucket ID" />
          <a href={apiReferenceHref(bucket)} target="_blank" rel="noopener">
            API reference
          </a>
        </dd>
      </div>
      <div>
        <dt>Records</dt>
        <dd>
          {formatCount(bucket.recordCount)}{' '}
          <span className="muted">of {formatCount(bucket.retention)} kept</span>
        </dd>
      </div>
      <div>
        <dt>Last write</dt>
        <dd>
          <TimeAgo ms={bucket.lastWriteAt} />
        </dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd>
          <DateTime ms={bucket.createdAt} />
        </dd>
      </div>
    </dl>
  );
}
