import { type Browser, chromium, type Page } from 'playwright-core';

/**
 * What the browser tests and the render bench share (no vitest here: the bench runs outside
 * it). Without the networking flags Chromium keeps trying to reach Google services on a closed
 * network.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's Chromium (`CHROMIUM_PATH` names another), headless. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

/** Calls a tRPC procedure from inside the page, with its session (setup only). */
export function trpcCall(
  page: Page,
  path: string,
  input: unknown,
  mutation = false,
): Promise<unknown> {
  return page.evaluate(
    async ({ path, input, mutation }) => {
      const response = mutation
        ? await fetch(`/trpc/${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(input),
          })
        : await fetch(`/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`);
      const body = await response.json();
      if (!response.ok) throw new Error(JSON.stringify(body));
      return body.result.data;
    },
    { path, input, mutation },
  );
}
