/**
 * How answers leave the server: security headers on every one (API included), and the web
 * app's files compressed at build, sent as the client accepts them, cached for a year when
 * their names are hashed and revalidated otherwise.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provision, startTestServer, type TestServer } from './helpers.ts';

const script = `console.log(${JSON.stringify('bucketgrid '.repeat(500))});\n`;
const dist = mkdtempSync(join(tmpdir(), 'bucketgrid-dist-'));
mkdirSync(join(dist, 'assets'));
writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
const reference = `<!doctype html><title>API reference</title>${'<p>bucketgrid</p>'.repeat(100)}`;
writeFileSync(join(dist, 'api-reference.html'), reference);
writeFileSync(join(dist, 'api-reference.html.br'), brotliCompressSync(reference));
// As the web app's build writes them from docs/rest-api.md (apps/web/vite.config.ts).
const llms = '# REST data API reference\n\n> Programs push records into buckets… “quoted”\n';
const llmsFull = `${llms}\n${'## A section\n\nText, non-ASCII: µs, °C.\n\n'.repeat(100)}`;
writeFileSync(join(dist, 'llms.txt'), llms);
writeFileSync(join(dist, 'llms-full.txt'), llmsFull);
writeFileSync(join(dist, 'llms-full.txt.br'), brotliCompressSync(llmsFull));
writeFileSync(join(dist, 'llms-full.txt.gz'), gzipSync(llmsFull));
writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
writeFileSync(join(dist, 'assets', 'index-Ab12Cd34.js'), script);
writeFileSync(join(dist, 'assets', 'index-Ab12Cd34.js.br'), brotliCompressSync(script));
writeFileSync(join(dist, 'assets', 'index-Ab12Cd34.js.gz'), gzipSync(script));

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ webDist: dist });
});
afterAll(async () => {
  await server.stopAll();
  rmSync(dist, { recursive: true, force: true });
});

/** One request with node:http, which (unlike fetch) leaves the body as it came. */
function send(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, {
      method: options.method ?? 'GET',
      headers: options.headers,
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const SECURITY = {
  'content-security-policy': expect.stringContaining("frame-ancestors 'none'"),
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

describe('security headers', () => {
  it('go with every answer: writes, errors, API, tRPC, files, the app, unknown paths', async () => {
    const { bucket, key } = await provision(server.store, 'IV');
    const json = { 'content-type': 'application/json', 'x-api-key': key };
    const write = JSON.stringify([{ k: 1, d: [{ sk: 1, v: 1 }] }]);
    const answers = {
      'a write (fast path)': await send(`/api/buckets/${bucket.id}`, {
        method: 'POST',
        headers: json,
        body: write,
      }),
      'a refused write': await send(`/api/buckets/${bucket.id}`, {
        method: 'POST',
        headers: { ...json, 'x-api-key': 'nope' },
        body: write,
      }),
      'a read': await send(`/api/buckets/${bucket.id}`, { headers: json }),
      'a health check': await send('/healthz'),
      'a tRPC query': await send('/trpc/auth.me'),
      'a tRPC refusal': await send('/trpc/auth.signIn', { method: 'POST', body: '{}' }),
      'a hashed asset': await send('/assets/index-Ab12Cd34.js'),
      'the app': await send('/some-workspace/some-dashboard'),
      'an unknown path': await send('/assets/nope.js'),
    };
    for (const [what, answer] of Object.entries(answers)) {
      expect(answer.headers, what).toMatchObject(SECURITY);
    }
    expect(answers['a write (fast path)'].status).toBe(200);
    expect(answers['a refused write'].status).toBe(401);
  });

  it('allow only the app’s own origin', async () => {
    // Chromium checks it in apps/web/e2e/security.test.ts; here, the policy itself.
    const policy = (await send('/')).headers['content-security-policy']!;
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });
});

describe('the API reference page', () => {
  it('is served at /api-reference, compressed, under the app’s policy plus inline styles', async () => {
    const page = await send('/api-reference?bucket=abc&type=KV', {
      headers: { 'accept-encoding': 'br' },
    });
    expect(page.status).toBe(200);
    expect(page.headers).toMatchObject(SECURITY);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-encoding']).toBe('br');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(brotliDecompressSync(page.body).toString()).toBe(reference);
    // Its renderer injects style elements: that, and nothing else, differs from the app's.
    const app = String((await send('/')).headers['content-security-policy']);
    expect(page.headers['content-security-policy']).toBe(
      app.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
    );
    expect(page.headers['content-security-policy']).not.toMatch(/unsafe-eval|\*/);
  });
});

describe('/llms.txt and /llms-full.txt', () => {
  it('are plain UTF-8 text, compressed when the client accepts it, revalidated on each use', async () => {
    const short = await send('/llms.txt');
    expect(short.status).toBe(200);
    expect(short.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(short.body.toString('utf8')).toBe(llms);
    for (const [encoding, decode] of [
      ['br', brotliDecompressSync],
      ['gzip', gunzipSync],
    ] as const) {
      const full = await send('/llms-full.txt', { headers: { 'accept-encoding': encoding } });
      expect(full.status).toBe(200);
      expect(full.headers).toMatchObject({
        'content-type': 'text/plain; charset=utf-8',
        'content-encoding': encoding,
        'cache-control': 'no-cache',
        ...SECURITY,
      });
      expect(decode(full.body).toString('utf8')).toBe(llmsFull);
    }
  });
});

describe('the web app’s files', () => {
  it('are sent compressed as the client accepts, with Vary', async () => {
    const br = await send('/assets/index-Ab12Cd34.js', {
      headers: { 'accept-encoding': 'gzip, br' },
    });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.headers['content-type']).toMatch(/^(?:application|text)\/javascript/);
    expect(brotliDecompressSync(br.body).toString()).toBe(script);
    expect(br.body.length).toBeLessThan(script.length / 10);
    const gz = await send('/assets/index-Ab12Cd34.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(script);
    const plain = await send('/assets/index-Ab12Cd34.js', {
      headers: { 'accept-encoding': 'identity' },
    });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(script);
  });

  it('are cached for a year when hashed, revalidated otherwise', async () => {
    const asset = await send('/assets/index-Ab12Cd34.js');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const path of ['/', '/index.html', '/favicon.svg', '/ws/dash']) {
      const answer = await send(path);
      expect(answer.status, path).toBe(200);
      expect(answer.headers['cache-control'], path).toBe('no-cache');
    }
  });

  it('answer a missing asset or source map with 404, not with the app', async () => {
    for (const path of [
      '/assets/index-Old00000.js',
      '/assets/index-Ab12Cd34.js.map',
      '/assets/%zz',
    ]) {
      const answer = await send(path);
      expect(answer.status, path).toBe(404);
      expect(answer.headers['content-type'], path).toMatch(/^application\/problem\+json/);
    }
  });
});
