import { readFile } from 'node:fs/promises';
import { BucketgridClient, type MinRecordInput, type RecordBatcher } from '@bucketgrid/client';
import {
  cpuPercent,
  netRates,
  parseCpuTimes,
  parseLoad,
  parseMemory,
  parseNetCounters,
} from './proc.ts';

/**
 * Sends this machine's CPU, load, memory and network figures to Bucketgrid TSV buckets every
 * few seconds. Configured by environment variables (see README.md); stops on Ctrl-C or
 * SIGTERM after sending what it has.
 */
const env = process.env;
const bucketIds = {
  cpu: env.BUCKETGRID_CPU_BUCKET,
  load: env.BUCKETGRID_LOAD_BUCKET,
  memory: env.BUCKETGRID_MEMORY_BUCKET,
  network: env.BUCKETGRID_NETWORK_BUCKET,
};
const intervalSeconds = Number(env.INTERVAL_SECONDS ?? 5);
if (!env.BUCKETGRID_API_KEY || !Object.values(bucketIds).some(Boolean) || !(intervalSeconds > 0)) {
  console.error(
    'Set BUCKETGRID_API_KEY and at least one of BUCKETGRID_CPU_BUCKET, BUCKETGRID_LOAD_BUCKET, ' +
      'BUCKETGRID_MEMORY_BUCKET, BUCKETGRID_NETWORK_BUCKET (and optionally BUCKETGRID_URL, ' +
      'INTERVAL_SECONDS). See README.md.',
  );
  process.exit(2);
}

const client = new BucketgridClient({
  url: env.BUCKETGRID_URL ?? 'http://localhost:3000',
  apiKey: env.BUCKETGRID_API_KEY,
});
const batchers = new Map<keyof typeof bucketIds, RecordBatcher>();
for (const [name, id] of Object.entries(bucketIds) as [keyof typeof bucketIds, string][]) {
  if (!id) continue;
  const batcher = client.bucket(id).batcher({
    flushIntervalMs: intervalSeconds * 1000,
    onError: (error) => console.error(`${name}: ${error.message}`),
  });
  batchers.set(name, batcher);
}

async function sample() {
  const [stat, net] = await Promise.all([
    readFile('/proc/stat', 'utf8'),
    readFile('/proc/net/dev', 'utf8'),
  ]);
  return { at: Date.now(), cpu: parseCpuTimes(stat), net: parseNetCounters(net) };
}

/** Adds a record (series 1, 2, 3, … in the order given) to a bucket the user configured. */
function send(name: keyof typeof bucketIds, at: number, values: number[]): Promise<void> {
  const record: MinRecordInput = { k: at, d: values.map((v, i) => ({ sk: i + 1, v })) };
  return batchers.get(name)?.add(record) ?? Promise.resolve();
}

let previous = await sample();

async function tick(): Promise<void> {
  const current = await sample();
  const cpu = cpuPercent(previous.cpu, current.cpu);
  if (cpu) await send('cpu', current.at, [cpu.user, cpu.system, cpu.iowait, cpu.idle, cpu.steal]);
  await send('load', current.at, parseLoad(await readFile('/proc/loadavg', 'utf8')));
  const memory = parseMemory(await readFile('/proc/meminfo', 'utf8'));
  await send('memory', current.at, [memory.used, memory.available, memory.cached, memory.swapUsed]);
  const net = netRates(previous.net, current.net, (current.at - previous.at) / 1000);
  await send('network', current.at, [net.rxBytes, net.txBytes, net.rxPackets, net.txPackets]);
  previous = current;
}

/** The tick in progress, which stopping waits for (its records go into the last batches). */
let ticking: Promise<void> = Promise.resolve();
const timer = setInterval(() => {
  ticking = tick().catch((error: unknown) => console.error(`reading /proc failed: ${error}`));
}, intervalSeconds * 1000);
console.log(
  `Sending ${[...batchers.keys()].join(', ')} every ${intervalSeconds} s to ${env.BUCKETGRID_URL ?? 'http://localhost:3000'}`,
);

async function stop(): Promise<void> {
  clearInterval(timer);
  await ticking;
  try {
    await Promise.all([...batchers.values()].map((batcher) => batcher.close()));
    console.log('Stopped; every record was sent.');
  } catch (error) {
    console.error(`Stopped; some records were not sent: ${error}`);
    process.exitCode = 1;
  }
}

// Ctrl-C under `pnpm start` arrives twice (the terminal signals the whole foreground group,
// and pnpm passes its own on): every signal after the first is taken, not left to kill the
// process half way through sending what it holds.
let stopping = false;
const onSignal = () => {
  if (stopping) return;
  stopping = true;
  void stop();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
