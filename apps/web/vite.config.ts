import { readFileSync } from 'node:fs';
import { constants } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { compression, defineAlgorithm } from 'vite-plugin-compression2';
import { llmsFiles } from './src/api-reference/llms-files.ts';

const server = 'http://127.0.0.1:3000';

/** In development, /api-reference is the reference page, as the server serves it in production. */
const apiReferencePage: Plugin = {
  name: 'api-reference-page',
  configureServer(dev) {
    dev.middlewares.use((req, _res, next) => {
      if (req.url && /^\/api-reference(?:\?|$)/.test(req.url)) {
        req.url = req.url.replace('/api-reference', '/api-reference.html');
      }
      next();
    });
  },
};

const restReference = new URL('../../docs/rest-api.md', import.meta.url);

/**
 * /llms.txt and /llms-full.txt from docs/rest-api.md: written beside the app at build (the
 * server serves them with it), and answered from the doc as it is in development.
 */
const llmsTxt: Plugin = {
  name: 'llms-txt',
  buildStart() {
    this.addWatchFile(restReference.pathname);
  },
  generateBundle() {
    const files = llmsFiles(readFileSync(restReference, 'utf8'));
    for (const [fileName, source] of Object.entries(files)) {
      this.emitFile({ type: 'asset', fileName, source });
    }
  },
  configureServer(dev) {
    dev.middlewares.use((req, res, next) => {
      const name = req.url === '/llms.txt' || req.url === '/llms-full.txt' ? req.url.slice(1) : '';
      if (name === '') return next();
      const files = llmsFiles(readFileSync(restReference, 'utf8'));
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.end(files[name as keyof typeof files]);
    });
  },
};

export default defineConfig({
  plugins: [
    react(),
    apiReferencePage,
    llmsTxt,
    // Compressed once at build, at the highest levels, rather than on every request: the
    // server sends the .br or .gz a client accepts (docs/performance.md, "Static files").
    compression({
      algorithms: [
        defineAlgorithm('brotliCompress', {
          params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY },
        }),
        defineAlgorithm('gzip', { level: 9 }),
      ],
      threshold: 1024,
      // The plugin's default kinds, and text: /llms-full.txt is the whole API reference.
      include: /\.(html|xml|css|json|js|mjs|svg|yaml|yml|toml|txt)$/,
    }),
  ],
  server: {
    // The object form keeps the Host header as the browser sent it (the string shorthand would
    // rewrite it), so the server's same-origin check on mutations sees the dev server's origin.
    // `^/api/`, not `/api`: the prefix would also take /api-reference, which is this app's page.
    proxy: { '^/api/': { target: server }, '/trpc': { target: server } },
  },
  build: {
    // Source maps would publish the whole source next to the app.
    sourcemap: false,
    rolldownOptions: {
      // The share page (/s/<token>) is its own entry: it must not load the app's management code.
      input: { app: 'index.html', 'api-reference': 'api-reference.html', share: 'share.html' },
      // The two pages share chunks (zod, which the reference renderer uses too). Without
      // this, a shared chunk runs all its modules on load, so the app's schemas were built
      // before main.tsx's first import turned zod's eval probe off (a CSP violation).
      output: { strictExecutionOrder: true },
    },
  },
});
