import { CopyButton } from './CopyButton.tsx';

/** A command to copy: the Copy button sits in a bar above it, never over the text. */
export function CodeBlock({ code, what = 'command' }: { code: string; what?: string }) {
  return (
    <figure className="code-block" aria-label={what}>
      <div className="code-block-bar">
        <CopyButton text={code} what={what} />
      </div>
      <pre>
        <code>{code}</code>
      </pre>
    </figure>
  );
}
