import { CopyButton } from './CopyButton.tsx';

export function CodeBlock({ code, what = 'command' }: { code: string; what?: string }) {
  return (
    <figure className="code-block" aria-label={what}>
      <pre>
        <code>{code}</code>
      </pre>
      <CopyButton text={code} what={what} />
    </figure>
  );
}
