/**
 * This machine's figures from Linux's /proc files: the parsers take the files' text, so they
 * are tested on fixed samples; rates come from two readings.
 */

/** Jiffies spent in each state since boot, summed over every CPU (first line of /proc/stat). */
export interface CpuTimes {
  user: number;
  system: number;
  iowait: number;
  idle: number;
  steal: number;
}

export function parseCpuTimes(stat: string): CpuTimes {
  const fields = stat.split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
    fields;
  return { user: user + nice, system: system + irq + softirq, iowait, idle, steal };
}

/** Percent of CPU time per state between two readings (each 0–100, summing to 100). */
export function cpuPercent(before: CpuTimes, after: CpuTimes): CpuTimes | undefined {
  const keys = ['user', 'system', 'iowait', 'idle', 'steal'] as const;
  const total = keys.reduce((sum, key) => sum + after[key] - before[key], 0);
  if (total <= 0) return undefined;
  const percent = (key: (typeof keys)[number]) =>
    round(((after[key] - before[key]) / total) * 100, 2);
  return {
    user: percent('user'),
    system: percent('system'),
    iowait: percent('iowait'),
    idle: percent('idle'),
    steal: percent('steal'),
  };
}

/** The 1, 5 and 15 minute load averages (/proc/loadavg). */
export function parseLoad(loadavg: string): [number, number, number] {
  const [one = 0, five = 0, fifteen = 0] = loadavg.trim().split(/\s+/).map(Number);
  return [one, five, fifteen];
}

/** Memory figures in MiB (/proc/meminfo). */
export interface Memory {
  used: number;
  available: number;
  cached: number;
  swapUsed: number;
}

export function parseMemory(meminfo: string): Memory {
  const kib = new Map<string, number>();
  for (const line of meminfo.split('\n')) {
    const match = /^(\w+(?:\(\w+\))?):\s+(\d+)/.exec(line);
    if (match) kib.set(match[1]!, Number(match[2]));
  }
  const get = (name: string) => kib.get(name) ?? 0;
  const mib = (value: number) => round(value / 1024, 1);
  return {
    used: mib(get('MemTotal') - get('MemAvailable')),
    available: mib(get('MemAvailable')),
    cached: mib(get('Buffers') + get('Cached')),
    swapUsed: mib(get('SwapTotal') - get('SwapFree')),
  };
}

/** Bytes and packets received and sent since boot, over every interface but loopback. */
export interface NetCounters {
  rxBytes: number;
  rxPackets: number;
  txBytes: number;
  txPackets: number;
}

export function parseNetCounters(netdev: string): NetCounters {
  const total: NetCounters = { rxBytes: 0, rxPackets: 0, txBytes: 0, txPackets: 0 };
  for (const line of netdev.split('\n').slice(2)) {
    const [name, counters] = line.split(':');
    if (!counters || name!.trim() === 'lo') continue;
    const f = counters.trim().split(/\s+/).map(Number);
    total.rxBytes += f[0] ?? 0;
    total.rxPackets += f[1] ?? 0;
    total.txBytes += f[8] ?? 0;
    total.txPackets += f[9] ?? 0;
  }
  return total;
}

/** Per-second rates between two readings `seconds` apart. */
export function netRates(before: NetCounters, after: NetCounters, seconds: number): NetCounters {
  const rate = (key: keyof NetCounters) =>
    round(Math.max(0, after[key] - before[key]) / seconds, 1);
  return {
    rxBytes: rate('rxBytes'),
    rxPackets: rate('rxPackets'),
    txBytes: rate('txBytes'),
    txPackets: rate('txPackets'),
  };
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
