/**
 * `pnpm --filter @bucketgrid/web bench:first-load` (after a build): what a browser downloads
 * before each page can render, as the server sends it (brotli, the .br files the build
 * writes): the HTML, its entry script, the chunks it preloads and its style sheet. Chunks
 * loaded later on demand (the text widget's Markdown, dialogs) are not counted. Printed for
 * the app (index.html) and the public share page (share.html), which must stay small and
 * load none of the app's management code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;

/** A file's size as sent: its .br when the build wrote one, else brotli at quality 11. */
function sentBytes(file: string): number {
  const br = `${file}.br`;
  if (existsSync(br)) return readFileSync(br).length;
  return brotliCompressSync(readFileSync(file), {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
  }).length;
}

/** The files a page loads before it renders: its HTML and what the HTML names. */
export function firstLoad(page: string): { files: string[]; bytes: number } {
  const html = readFileSync(join(dist, page), 'utf8');
  const named = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map(
    (match) => match[1]!,
  );
  const files = [page, ...new Set(named)];
  return { files, bytes: files.reduce((sum, file) => sum + sentBytes(join(dist, file)), 0) };
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!);
if (isMain) {
  for (const [label, page] of [
    ['app (index.html)', 'index.html'],
    ['share page (share.html)', 'share.html'],
  ] as const) {
    const { files, bytes } = firstLoad(page);
    console.log(`${label}: ${(bytes / 1024).toFixed(1)} KB brotli in ${files.length} files`);
  }
}
