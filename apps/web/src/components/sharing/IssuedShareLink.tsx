import { ShownOnce } from '../ShownOnce.tsx';

/** A link's URL with its token, shown once (after create or regenerate), and how to embed it. */
export function IssuedShareLink({ name, url }: { name: string; url: string }) {
  const embed = `<iframe src="${url}" width="100%" height="600" style="border:0"></iframe>`;
  return (
    <ShownOnce
      label="New share link"
      fields={[
        { label: `Share link for ${name}`, value: url, what: 'share link' },
        { label: `Embed code for ${name}`, value: embed, what: 'embed code' },
      ]}
    >
      Anyone with this link sees the dashboard’s grid, read-only. It is shown only now; add{' '}
      <code>?layout=wall</code> for a wall screen. Regenerate it to get a new one.
    </ShownOnce>
  );
}
