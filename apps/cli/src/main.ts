#!/usr/bin/env -S node --import tsx
import { parseArgs } from 'node:util';
import { publishChanges, SharedLiveEvents } from '@bucketgrid/live';
import { asServiceUnavailable } from '@bucketgrid/services';
import { AppError } from '@bucketgrid/shared';
import { openStore, type Store } from '@bucketgrid/store';
import { type Command, commands } from './commands.ts';
import { commandHelp, mainHelp, nounHelp } from './help.ts';

/** What the command line asks for: usage text, or a command with its options. */
type Request = { help: string } | { command: Command; options: Record<string, string | undefined> };

const HELP = new Set(['--help', '-h', 'help']);

function parseCommandLine(argv: string[]): Request {
  const [noun, verb, ...rest] = argv;
  if (noun === undefined || HELP.has(noun)) return { help: mainHelp() };
  const verbs = commands[noun];
  if (!verbs) {
    throw new AppError('invalid_input', `unknown command "${noun}"; bucketgrid --help lists them`);
  }
  if (verb === undefined || verb.startsWith('-') || verb === 'help') {
    if (verb !== undefined && HELP.has(verb)) return { help: nounHelp(noun) };
    throw new AppError(
      'invalid_input',
      `"${noun}" needs one of: ${Object.keys(verbs).join(', ')} (bucketgrid ${noun} --help)`,
    );
  }
  const command = verbs[verb];
  if (!command) {
    throw new AppError(
      'invalid_input',
      `unknown command "${noun} ${verb}"; ${noun} has: ${Object.keys(verbs).join(', ')}`,
    );
  }
  const see = `(bucketgrid ${noun} ${verb} --help)`;
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(
          Object.keys(command.options).map((name) => [name, { type: 'string' }]),
        ),
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new AppError('invalid_input', `${(error as Error).message} ${see}`);
  }
  if (values.help) return { help: commandHelp(noun, verb) };
  for (const [name, spec] of Object.entries(command.options)) {
    if (!spec.optional && values[name] === undefined) {
      throw new AppError('invalid_input', `missing --${name} ${spec.value} ${see}`);
    }
  }
  return { command, options: values as Record<string, string | undefined> };
}

/**
 * bucketgrid: provisioning without the web app. A command prints exactly one JSON object on
 * stdout; on failure one JSON object on stderr and exit code 1. `--help` prints usage text.
 */
async function main(argv: string[]): Promise<string> {
  const request = parseCommandLine(argv);
  if ('help' in request) return request.help;
  const store = await openStore(process.env.DATABASE_URL);
  // On MongoDB, the servers' open live views learn of the change through the event log, as of
  // any server's; a SQLite server's views refetch at their next re-check.
  const liveEvents = store.eventLog
    ? new SharedLiveEvents({ log: store.eventLog, logger: warnOnStderr, watch: false })
    : undefined;
  const changing: Store = liveEvents ? publishChanges(store, liveEvents, Date.now) : store;
  try {
    return JSON.stringify(await request.command.run(changing, request.options));
  } finally {
    await liveEvents?.close();
    await store.close();
  }
}

/** A live event that could not reach the event log: the change itself is made. */
function warnOnStderr(level: string, message: string, fields?: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ level, message, ...fields })}\n`);
}

try {
  process.stdout.write(`${await main(process.argv.slice(2))}\n`);
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
