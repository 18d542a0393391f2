import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

// The README shows examples/typed-client.ts; typecheck compiles that file, and this test
// keeps the README's copy identical, so the documented example always compiles.
it('the README shows the typed client example exactly as it compiles', () => {
  const example = readFileSync(new URL('../examples/typed-client.ts', import.meta.url), 'utf8');
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``);
});
