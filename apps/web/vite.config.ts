import { constants } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { compression, defineAlgorithm } from 'vite-plugin-compression2';

const server = 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [
    react(),
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
    }),
  ],
  server: {
    // The object form keeps the Host header as the browser sent it (the string shorthand would
    // rewrite it), so the server's same-origin check on mutations sees the dev server's origin.
    proxy: { '/api': { target: server }, '/trpc': { target: server } },
  },
  // Source maps would publish the whole source next to the app.
  build: { sourcemap: false },
});
