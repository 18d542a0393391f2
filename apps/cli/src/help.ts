import { type Command, commands } from './commands.ts';
import { databaseCommands } from './database-commands.ts';

/** Usage text: for the CLI, one noun, or one command. */
export function mainHelp(): string {
  const width = Math.max(...entries().map(([noun, verb]) => `${noun} ${verb}`.length));
  return [
    'bucketgrid: provision Bucketgrid (users, dashboards, buckets, API keys) without the web app.',
    '',
    'Usage: bucketgrid <noun> <verb> [options]',
    '       pnpm --silent cli <noun> <verb> [options]    (from the repository)',
    '',
    'Commands:',
    ...entries().map(
      ([noun, verb, command]) => `  ${`${noun} ${verb}`.padEnd(width)}  ${command.summary}`,
    ),
    '',
    'The SQLite database file itself:',
    ...Object.entries(databaseCommands).map(
      ([name, command]) =>
        `  ${`${name} --${Object.keys(command.options)[0]} FILE`.padEnd(width)}  ${command.summary}`,
    ),
    '',
    'Each command prints one JSON object on stdout. On failure it prints one JSON object,',
    '{"error": code, "message": text}, on stderr and exits with code 1.',
    'DATABASE_URL chooses the store, as for the server (default: file:./data/bucketgrid.db).',
    '',
    'More: bucketgrid <noun> --help, bucketgrid <noun> <verb> --help',
  ].join('\n');
}

export function nounHelp(noun: string): string {
  return [
    `Usage: bucketgrid ${noun} <verb> [options]`,
    '',
    ...Object.keys(commands[noun]!).flatMap((verb) => [describe(noun, verb), '']),
  ]
    .join('\n')
    .trimEnd();
}

export function databaseCommandHelp(name: string): string {
  const command = databaseCommands[name]!;
  const options = Object.entries(command.options);
  return [
    `Usage: bucketgrid ${name} ${options.map(([option, spec]) => `--${option} ${spec.value}`).join(' ')}`,
    `  ${command.summary}`,
    ...options.map(([option, spec]) => `    --${option} ${spec.value}  ${spec.description}`),
    '  DATABASE_URL names the database, as for the server.',
  ].join('\n');
}

export function commandHelp(noun: string, verb: string): string {
  return `Usage: ${describe(noun, verb)}`;
}

function describe(noun: string, verb: string): string {
  const command = commands[noun]![verb]!;
  const options = Object.entries(command.options);
  const synopsis = options
    .map(([name, spec]) =>
      spec.optional ? `[--${name} ${spec.value}]` : `--${name} ${spec.value}`,
    )
    .join(' ');
  const width = Math.max(...options.map(([name, spec]) => `--${name} ${spec.value}`.length));
  return [
    `bucketgrid ${noun} ${verb} ${synopsis}`,
    `  ${command.summary}`,
    ...options.map(
      ([name, spec]) => `    ${`--${name} ${spec.value}`.padEnd(width)}  ${spec.description}`,
    ),
  ].join('\n');
}

function entries(): [string, string, Command][] {
  return Object.entries(commands).flatMap(([noun, verbs]) =>
    Object.entries(verbs).map(([verb, command]): [string, string, Command] => [
      noun,
      verb,
      command,
    ]),
  );
}
