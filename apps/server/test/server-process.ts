import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const serverDir = fileURLToPath(new URL('..', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  /** Its log, one JSON object per line. */
  lines: Interface;
  /** Resolves with the exit code once it has exited. */
  exited: Promise<number | null>;
}

/** Runs the real server (src/main.ts) on DATABASE_URL, on 127.0.0.1 and a free port. */
export function spawnServer(databaseUrl: string, env: Record<string, string> = {}): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, lines: createInterface({ input: child.stdout! }), exited };
}

/** The first log entry with this message; rejects if the process exits first. */
export function nextLog(server: ServerProcess, message: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const onLine = (line: string) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.message !== message) return;
      server.lines.off('line', onLine);
      resolve(entry);
    };
    server.lines.on('line', onLine);
    server.exited.then((code) =>
      reject(new Error(`the server exited (${code}) before "${message}"`)),
    );
  });
}

/** Starts a server process and waits until it listens; its URL. */
export async function startServerProcess(databaseUrl: string, env: Record<string, string> = {}) {
  const server = spawnServer(databaseUrl, env);
  const listening = await nextLog(server, 'listening');
  return { ...server, url: listening.url as string };
}

/** SIGTERM, then the exit code. */
export async function stopServerProcess(server: ServerProcess): Promise<number | null> {
  if (server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGTERM');
  }
  return server.exited;
}
