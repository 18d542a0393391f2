import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { provision, type ServerUnderTest, startServerUnderTest } from './server.ts';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const example = readFileSync(join(packageDir, 'examples/quick-start.ts'), 'utf8');

let server: ServerUnderTest;
beforeAll(async () => {
  server = await startServerUnderTest();
});
afterAll(() => server.stop());

/** The example's environment: a new bucket and a key for it. */
async function exampleEnv() {
  const { key, bucketId } = await provision(server.store, 'TSV');
  return {
    ...process.env,
    BUCKETGRID_URL: server.url,
    BUCKETGRID_API_KEY: key,
    BUCKET_ID: bucketId,
  };
}

/** The example's output: what a reader of the README sees when they run it. */
function expectExampleOutput(stdout: string) {
  const lines = stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^61 records, first at \d{13}$/);
  expect(lines[1]).toMatch(/^600000 \[/);
  expect(lines.at(-1)).toMatch(/^\/0\/key /);
}

it('the README shows the quick start exactly as it compiles', () => {
  // typecheck compiles examples/quick-start.ts; this keeps the README's copy identical.
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``);
});

it('the quick start runs against a real server', async () => {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', join(packageDir, 'examples/quick-start.ts')],
    { env: await exampleEnv(), cwd: packageDir },
  );
  expectExampleOutput(stdout);
}, 30_000);

it('installs from its packed tarball and works outside this repository', async () => {
  const outside = mkdtempSync(join(tmpdir(), 'bucketgrid-client-outside-'));
  try {
    // `pnpm run package` builds dist/ (prepack) and packs the manifest as it is published.
    await run('pnpm', ['run', 'package', '--pack-destination', outside], { cwd: packageDir });
    const tarball = join(outside, 'bucketgrid-client-0.1.0.tgz');
    const installed = join(outside, 'node_modules/@bucketgrid/client');
    mkdirSync(installed, { recursive: true });
    await run('tar', ['-xzf', tarball, '-C', installed]);
    const manifest = JSON.parse(readFileSync(join(installed, 'package/package.json'), 'utf8'));
    expect(manifest.exports).toEqual({
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
    });
    // Nothing a consumer cannot resolve or has no use for: no workspace packages, no scripts.
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.devDependencies).toBeUndefined();
    expect(manifest.scripts).toBeUndefined();
    expect(manifest.license).toBe('MIT');
    const files = (await run('tar', ['-tzf', tarball])).stdout
      .split('\n')
      .filter(Boolean)
      .map((name) => name.replace(/^package\//, ''));
    expect(files).toContain('LICENSE');
    expect(readFileSync(join(installed, 'package/LICENSE'), 'utf8')).toMatch(/^MIT License/);
    // Every file the README names is in the package.
    const readme = readFileSync(join(installed, 'package/README.md'), 'utf8');
    const named = [...readme.matchAll(/`([\w./-]+\.(?:ts|js|md|json))`/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    for (const name of named) expect(files, name).toContain(name);
    expect(readme).toMatch(/`maxRecords`[^\n]*per-minute budget[^\n]*batch_exceeds_rate_limit/);
    await run('sh', [
      '-c',
      `mv ${installed}/package/* ${installed}/ && rmdir ${installed}/package`,
    ]);

    // Plain Node, no TypeScript loader: the built JavaScript alone, with nothing else installed.
    writeFileSync(join(outside, 'package.json'), '{"type": "module"}');
    // The example has no type annotations, so it is JavaScript as it stands.
    writeFileSync(join(outside, 'quick-start.js'), example);
    const { stdout } = await run(process.execPath, ['quick-start.js'], {
      env: await exampleEnv(),
      cwd: outside,
    });
    expectExampleOutput(stdout);

    // The published types: the example compiles against them as a consumer's code would.
    writeFileSync(join(outside, 'quick-start.ts'), example);
    writeFileSync(
      join(outside, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          lib: ['ES2022', 'DOM'],
          types: ['node'],
          typeRoots: [join(packageDir, 'node_modules/@types')],
        },
        files: ['quick-start.ts'],
      }),
    );
    const tsc = join(packageDir, 'node_modules/typescript/bin/tsc');
    await run(process.execPath, [tsc, '-p', outside]);
  } finally {
    rmSync(outside, { recursive: true, force: true });
  }
}, 180_000);
