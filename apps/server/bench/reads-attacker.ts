/**
 * The attacker of `pnpm bench:reads` (reads.ts forks it once per server): the heavy readers
 * and the live views with their writer. In reality they are other machines; here they share
 * the server's two cores, so this process runs at nice 19 and takes only the CPU the server,
 * the normal client and the writers leave it (their cost is theirs, not the server's). Nice
 * alone is not enough where the kernel groups processes by session (`sched_autogroup`, on
 * here): nice orders threads within a group, groups share the cores equally, and every
 * thread's CPU counts against its group's share. So reads.ts starts this process in a session
 * of its own, and it lowers its group to nice 19 too: its CPU is not charged to the server's
 * group. What it achieved (reads, writes, views open, events) is reported back, so a starved
 * attacker would show. Commands arrive over IPC: `{start: Attack}`, then `{stop: true}`.
 */
import { Agent, request } from 'node:http';
import { postRecordsText } from './harness.ts';
import { runAtLowestPriority } from './lowest-priority.ts';

export type Attack =
  | { kind: 'reads'; url: string; keys: string[]; reads: string[] }
  | {
      kind: 'views';
      url: string;
      /** Views to open: each from its own client address on 127.0.0.0/8, with a session's cookie. */
      views: { dashboardId: string; cookie: string; localAddress: string }[];
      /** Buckets written (one record each) at most once per `writeGapMs`, with their key. */
      writes: { bucketId: string; key: string }[];
      writeGapMs: number;
    };

export interface AttackReport {
  heavyReads: number;
  writes: number;
  viewsAsked: number;
  /** Views that got `connected` and had not ended when the phase stopped. */
  viewsOpen: number;
  /** Why views ended or were refused: appCode (or status) → count. */
  viewsRefused: Record<string, number>;
  /** Data events received over all views. */
  events: number;
}

runAtLowestPriority();

// reads.ts gone (it ended, or crashed): so is the attack.
process.on('disconnect', () => process.exit(0));

let running = false;
let report: AttackReport;
let work: Promise<void> = Promise.resolve();
const streams = new Set<{ close(): void }>();

process.on('message', (message: { start?: Attack; stop?: true }) => {
  if (message.start) {
    report = {
      heavyReads: 0,
      writes: 0,
      viewsAsked: 0,
      viewsOpen: 0,
      viewsRefused: {},
      events: 0,
    };
    running = true;
    const attack = message.start;
    void (async () => {
      if (attack.kind === 'views') await openViews(attack);
      process.send!({ ready: true });
      work = attack.kind === 'reads' ? heavyReads(attack) : paceWrites(attack);
    })();
  } else if (message.stop) {
    running = false;
    void work.then(() => {
      report.viewsOpen = streams.size;
      for (const stream of [...streams]) stream.close();
      process.send!({ report });
    });
  }
});

async function heavyReads(attack: Extract<Attack, { kind: 'reads' }>): Promise<void> {
  await Promise.all(
    attack.keys.map(async (key, i) => {
      for (let n = i; running; n++) {
        const response = await fetch(`${attack.url}${attack.reads[n % attack.reads.length]}`, {
          headers: { 'x-api-key': key },
        });
        await response.arrayBuffer();
        report.heavyReads++;
      }
    }),
  );
}

/**
 * Each bucket written once per `writeGapMs` at most: the most events its views can be sent.
 * Through node:http with kept-alive connections, which costs this process far less per
 * request than fetch: a starved attacker would attack less than another machine would.
 */
async function paceWrites(attack: Extract<Attack, { kind: 'views' }>): Promise<void> {
  const agent = new Agent({ keepAlive: true });
  let clock = Date.now();
  await Promise.all(
    attack.writes.map(async ({ bucketId, key }, n) => {
      while (running) {
        const started = performance.now();
        const status = await postRecordsText(
          agent,
          attack.url,
          bucketId,
          key,
          JSON.stringify([{ k: ++clock, d: [{ sk: 1, v: n }] }]),
        );
        if (status === 200) report.writes++;
        const rest = attack.writeGapMs - (performance.now() - started);
        if (rest > 0 && running) await new Promise((resolve) => setTimeout(resolve, rest));
      }
    }),
  );
  agent.destroy();
}

/** Opens every view and waits until each is connected or refused. */
async function openViews(attack: Extract<Attack, { kind: 'views' }>): Promise<void> {
  report.viewsAsked = attack.views.length;
  await Promise.all(attack.views.map((view) => openView(attack.url, view)));
}

/**
 * One `dashboards.live` stream, as the browser's EventSource opens it; counts its data
 * events (each carries an `id:` line) and records why it ended. Resolves once the stream
 * started or ended.
 */
function openView(
  url: string,
  view: { dashboardId: string; cookie: string; localAddress: string },
): Promise<void> {
  return new Promise((started) => {
    const input = encodeURIComponent(JSON.stringify({ dashboardId: view.dashboardId }));
    let ended = false;
    const stream = {
      close: () => {
        ended = true;
        streams.delete(stream);
        req.destroy();
      },
    };
    const refused = (why: string) => {
      if (ended) return;
      ended = true;
      streams.delete(stream);
      report.viewsRefused[why] = (report.viewsRefused[why] ?? 0) + 1;
      started();
    };
    const req = request(
      `${url}/trpc/dashboards.live?input=${input}`,
      { headers: { cookie: view.cookie }, agent: false, localAddress: view.localAddress },
      (res) => {
        if (res.statusCode !== 200) {
          refused(String(res.statusCode));
          res.resume();
          return;
        }
        res.setEncoding('utf8');
        let tail = '';
        res.on('data', (chunk: string) => {
          const text = tail + chunk;
          if (text.includes('event: connected')) {
            streams.add(stream);
            // Refusals (caps) come as the stream's first event after `connected`.
            setTimeout(started, 50);
          }
          const error = /event: serialized-error\ndata: (.*)\n/.exec(text);
          if (error) {
            const shape = JSON.parse(error[1]!) as { data?: { appCode?: string; code?: string } };
            refused(shape.data?.appCode ?? shape.data?.code ?? 'error');
          }
          // `tail` is shorter than the marker: no event is counted twice.
          report.events += text.split('\nid: ').length - 1;
          tail = text.slice(-4);
        });
        res.on('close', () => refused('closed'));
      },
    );
    req.on('error', (error) => refused(error.message));
    req.end();
  });
}
