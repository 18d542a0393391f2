/**
 * `pnpm bench:slow-headers`: a normal client's latency while the server is under a
 * slow-header attack (connections that send their request head a few bytes at a time and
 * never finish it), as it was attacked from outside: 2 × 10,200 connections.
 *
 * Three phases of SLOW_SECONDS (default 10) each: no attack; the attack from one address
 * (127.0.0.2); the attack spread over 80 addresses (127.0.0.2 to 127.0.0.81, 255 each, past
 * what the per-address cap stops). Each attacking connection is opened once, as in the attack
 * found: the header timeout ends them all within 10 s. The normal client, from 127.0.0.1, writes one record and
 * reads the health check in turn, one request at a time, and its latency is printed per phase.
 * The attackers are two child processes (each holds up to 10,200 descriptors, within the
 * default limit of a process here). The server runs pinned to core 0 when it can be.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canPin, cliOf, startServerProcess, stopAll } from './harness.ts';

const env = process.env;
const SECONDS = Number(env.SLOW_SECONDS ?? 10);
const PER_ATTACKER = 10_200;
const self = fileURLToPath(import.meta.url);
const checkout = fileURLToPath(new URL('../../..', import.meta.url));

if (process.argv[2] === 'attacker') {
  attack(process.argv[3]!, Number(process.argv[4]), Number(process.argv[5]));
} else {
  await main();
}

/**
 * One attacker process: keeps `count` connections open to `url`, spread over `addresses`
 * loopback addresses from 127.0.0.(first), each trickling a request head that never ends.
 * Reports how many are open and how many the server closed, every second.
 */
function attack(url: string, first: number, addresses: number): void {
  const { hostname, port } = new URL(url);
  let open = 0;
  let peak = 0;
  let closedByServer = 0;
  let started = 0;
  const openOne = () => {
    const localAddress = `127.0.0.${first + (started % addresses)}`;
    const socket: Socket = connect({ host: hostname, port: Number(port), localAddress });
    let connected = false;
    socket.on('error', () => {});
    socket.once('connect', () => {
      connected = true;
      peak = Math.max(peak, ++open);
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    });
    const trickle = setInterval(() => socket.write('X-Slow: 1\r\n'), 2_000);
    socket.once('close', () => {
      clearInterval(trickle);
      if (connected) open--;
      closedByServer++;
    });
  };
  const ramp = setInterval(() => {
    for (let i = 0; i < 500 && started < PER_ATTACKER; i++, started++) openOne();
    if (started >= PER_ATTACKER) clearInterval(ramp);
  }, 20);
  const report = setInterval(() => process.send!({ peak, closedByServer }), 500);
  process.on('message', () => {
    clearInterval(ramp);
    clearInterval(report);
    process.exit(0);
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-slow-'));
  const children = new Set<ChildProcess>();
  const cleanup = async () => {
    for (const child of children) child.kill('SIGTERM');
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    const databaseUrl = `file:${join(dir, 'slow.db')}`;
    const cli = cliOf(checkout, databaseUrl);
    cli(
      'user',
      'create',
      '--email',
      'slow@example.com',
      '--password',
      'correct horse battery staple',
      '--name',
      'Slow',
    );
    const dashboard = cli('dashboard', 'create', '--owner', 'slow@example.com', '--name', 'Slow');
    const bucket = cli(
      'bucket',
      'create',
      '--dashboard',
      dashboard.id!,
      '--name',
      'b',
      '--type',
      'IV',
    );
    const { key } = cli(
      'key',
      'create',
      '--dashboard',
      dashboard.id!,
      '--name',
      'k',
      '--type',
      'production',
    );

    const server = await startServerProcess({ DATABASE_URL: databaseUrl });
    const { url } = server;
    console.log(
      `server ${url} (${canPin ? 'pinned to core 0' : 'not pinned'}); ${SECONDS} s per phase`,
    );
    console.log(
      'phase                      requests  errors  p50 ms  p95 ms  p99 ms  max ms  attack peak  closed by server',
    );
    let sequence = 0;
    const phase = async (name: string, attackers: [number, number][]) => {
      const state = attackers.map(() => ({ peak: 0, closedByServer: 0 }));
      const running = attackers.map(([first, addresses], i) => {
        const child = fork(self, ['attacker', url, String(first), String(addresses)], {
          execArgv: ['--import', 'tsx'],
        });
        children.add(child);
        child.on('message', (m) => {
          state[i] = m as (typeof state)[number];
        });
        return child;
      });
      // Let the attack ramp up (10,200 connections per attacker, 25,000/s) before measuring.
      if (running.length > 0) await new Promise((resolve) => setTimeout(resolve, 1_000));
      const latencies: number[] = [];
      let errors = 0;
      const end = Date.now() + SECONDS * 1000;
      while (Date.now() < end) {
        const write = sequence % 2 === 0;
        const body = write ? `[{"k":${sequence},"d":[{"sk":1,"v":1}]}]` : undefined;
        const started = performance.now();
        const status = await send(
          `${url}${write ? `/api/buckets/${bucket.id}` : '/healthz'}`,
          key!,
          body,
        );
        latencies.push(performance.now() - started);
        if (status !== 200) errors++;
        sequence++;
      }
      const peak = state.reduce((sum, s) => sum + s.peak, 0);
      const closed = state.reduce((sum, s) => sum + s.closedByServer, 0);
      for (const child of running) {
        child.send('stop');
        children.delete(child);
      }
      latencies.sort((a, b) => a - b);
      const at = (q: number) =>
        latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
      const cells = [latencies.length, errors, at(0.5), at(0.95), at(0.99), latencies.at(-1)!]
        .map((n, i) => (i < 2 ? String(n) : n.toFixed(1)).padStart(i === 0 ? 8 : 6))
        .join('  ');
      console.log(
        `${name.padEnd(25)}  ${cells}  ${String(peak).padStart(11)}  ${String(closed).padStart(16)}`,
      );
      // Let the server close what the attackers left (the header timeout: 10 s).
      await new Promise((resolve) => setTimeout(resolve, 11_000));
    };
    await phase('no attack', []);
    await phase('one address, 20,400 conn', [
      [2, 1],
      [2, 1],
    ]);
    await phase('80 addresses, 20,400 conn', [
      [2, 40],
      [42, 40],
    ]);
  } finally {
    await cleanup();
  }
  process.exit(0);
}

/** One request on a fresh connection (as a client behind NAT or a cron job would send it). */
function send(url: string, key: string, body?: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, {
      method: body ? 'POST' : 'GET',
      localAddress: '127.0.0.1',
      agent: false,
      timeout: 30_000,
      headers: body ? { 'content-type': 'application/json', 'x-api-key': key } : {},
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end(body);
  });
}
