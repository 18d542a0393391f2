import { useState } from 'react';
import type { Bucket } from '../../../lib/trpc.ts';
import { Dialog } from '../../Dialog.tsx';
import { ExportRangeForm } from '../csv-export/ExportRangeForm.tsx';
import { CsvImportDialog } from './CsvImportDialog.tsx';

/** The bucket page's "Import CSV…" (for those who manage its data) and "Export CSV…". */
export function BucketCsvActions({ bucket, canImport }: { bucket: Bucket; canImport: boolean }) {
  const [open, setOpen] = useState<'import' | 'export' | null>(null);
  const close = () => setOpen(null);
  return (
    <div className="actions">
      {canImport && (
        <button type="button" className="btn" onClick={() => setOpen('import')}>
          Import CSV…
        </button>
      )}
      <button
        type="button"
        className="btn"
        onClick={() => setOpen('export')}
        disabled={bucket.recordCount === 0}
      >
        Export CSV…
      </button>
      <Dialog
        open={open === 'import'}
        title={`Import CSV into ${bucket.name}`}
        onClose={close}
        wide
      >
        <CsvImportDialog bucket={bucket} onClose={close} />
      </Dialog>
      <Dialog open={open === 'export'} title={`Export ${bucket.name} as CSV`} onClose={close}>
        <ExportRangeForm bucket={bucket} onDone={close} />
      </Dialog>
    </div>
  );
}
