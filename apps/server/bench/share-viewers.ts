/**
 * The anonymous viewers of `pnpm bench:share`, in a process of their own at the lowest
 * priority (nice 19): real viewers are other machines, so on a 2-core machine they must not
 * take the cores the server and its writers need. Driven by the bench over IPC: `start`,
 * `stats` (counted since the last `stats`), `stop`.
 *
 * Each viewer behaves as the share page does, from its own address (X-Forwarded-For, the
 * server trusts one proxy): `share.open`, then the link's live stream, and on each event:
 * - `push` (the page of a locked link): its stream names the page's two widget reads, whose
 *   answers come with each event; it makes no request;
 * - `fetch` (as the page did before answers were pushed, and still does for a link whose
 *   range viewers may change): both reads in one batched request, at a random moment within
 *   a second of the event, at most one a second;
 * - `none`: the stream only.
 */
import { get, type IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { onSseBlocks } from '../test/live-client.ts';
import { runAtLowestPriority } from './lowest-priority.ts';
import { fetchWidgetReads, widgetReads } from './share-widget-reads.ts';

export type ViewerMode = 'push' | 'fetch' | 'none';

export interface ViewerSetup {
  url: string;
  token: string;
  bucketId: string;
  count: number;
  mode: ViewerMode;
}

export interface ViewerStats {
  open: number;
  /** `records` events heard. */
  events: number;
  /** Pushed answers received, and their bytes. */
  answers: number;
  answerBytes: number;
  /** Widget reads fetched (`fetch`): answered, refused (rate_limited), failed otherwise. */
  reads: { ok: number; refused: number; failed: number };
  /** Streams the server ended with an error (a view that fell behind, a cap). */
  errors: number;
}

const REFRESH_MS = 1_000;

const zero = (): ViewerStats => ({
  open: 0,
  events: 0,
  answers: 0,
  answerBytes: 0,
  reads: { ok: 0, refused: 0, failed: 0 },
  errors: 0,
});

let stats = zero();
const streams = new Set<IncomingMessage>();
let running = true;

async function fetchReads(setup: ViewerSetup, headers: Record<string, string>): Promise<void> {
  const response = await fetchWidgetReads(setup.url, setup.token, setup.bucketId, headers);
  const answers = (await response.json()) as { error?: { data?: { appCode?: string } } }[];
  for (const answer of answers) {
    if (!answer.error) stats.reads.ok++;
    else if (answer.error.data?.appCode === 'rate_limited') stats.reads.refused++;
    else stats.reads.failed++;
  }
}

/** One viewer: resolves once its stream is open. */
async function view(setup: ViewerSetup, i: number): Promise<void> {
  const headers = { 'x-forwarded-for': `10.${(i >> 8) & 255}.${i & 255}.7` };
  const input = encodeURIComponent(JSON.stringify({ token: setup.token }));
  await (await fetch(`${setup.url}/trpc/share.open?input=${input}`, { headers })).arrayBuffer();
  const reads = setup.mode === 'push' ? widgetReads(setup.bucketId) : undefined;
  const liveInput = encodeURIComponent(JSON.stringify({ token: setup.token, reads }));
  // Fetch mode: the events since the last refresh, and whether a refresh is on its way.
  let pending = false;
  let lastRefresh = 0;
  const refresh = async () => {
    pending = true;
    await sleep(Math.max(Math.random() * REFRESH_MS, lastRefresh + REFRESH_MS - Date.now()));
    lastRefresh = Date.now();
    pending = false;
    if (running) await fetchReads(setup, headers).catch(() => stats.reads.failed++);
  };
  await new Promise<void>((started, failed) => {
    const request = get(
      `${setup.url}/trpc/share.live?input=${liveInput}`,
      { headers, agent: false },
      (res) => {
        streams.add(res);
        stats.open++;
        // The blocks are told apart by their first bytes: parsing 20 KB answers would make
        // the viewers, not the server, the bench's bottleneck. An answer comes whole first,
        // then as what changed (`answerChange`): both are counted.
        onSseBlocks(res, (block) => {
          if (block.startsWith('event: connected')) started();
          else if (block.startsWith('event: serialized-error')) stats.errors++;
          else if (block.startsWith('data: {"type":"answer')) {
            stats.answers++;
            stats.answerBytes += block.length;
          } else if (block.startsWith('data: {"type":"records"')) {
            stats.events++;
            if (setup.mode === 'fetch' && !pending) void refresh();
          }
        });
        res.on('close', () => {
          streams.delete(res);
          stats.open--;
        });
      },
    );
    request.on('error', failed);
  });
}

process.on('message', async (message: { start?: ViewerSetup; stats?: true; stop?: true }) => {
  if (message.start) {
    const setup = message.start;
    for (let i = 0; i < setup.count; i++) await view(setup, i);
    process.send!({ started: true });
  } else if (message.stats) {
    process.send!({ stats });
    stats = { ...zero(), open: stats.open };
  } else if (message.stop) {
    running = false;
    for (const stream of streams) stream.destroy();
    process.exit(0);
  }
});

// Ends with the bench, however the bench ends.
process.once('disconnect', () => process.exit(0));
runAtLowestPriority();
process.send!({ ready: true });
