#!/usr/bin/env -S node --import tsx
import { asServiceUnavailable } from '@bucketgrid/services';
import { AppError } from '@bucketgrid/shared';
import { openStore } from '@bucketgrid/store';
import { commands, parseArgs } from './commands.ts';

/**
 * bucketgrid: provisioning without the web app. Prints exactly one JSON object on stdout;
 * on failure one JSON object on stderr and exit code 1.
 */
async function main(argv: string[]): Promise<Record<string, unknown>> {
  const { name, flags } = parseArgs(argv);
  const command = commands[name];
  if (!command) {
    throw new AppError(
      'invalid_input',
      `unknown command "${name}"; commands: ${Object.keys(commands).join(', ')}`,
    );
  }
  const store = await openStore(process.env.DATABASE_URL);
  try {
    return await command(store, flags);
  } finally {
    await store.close();
  }
}

try {
  process.stdout.write(`${JSON.stringify(await main(process.argv.slice(2)))}\n`);
} catch (thrown) {
  // A database another process keeps locked for longer than the store's timeout.
  const error = asServiceUnavailable(thrown);
  const body =
    error instanceof AppError
      ? { error: error.code, message: error.message }
      : { error: 'internal_error', message: (error as Error).message };
  process.stderr.write(`${JSON.stringify(body)}\n`);
  process.exitCode = 1;
}
