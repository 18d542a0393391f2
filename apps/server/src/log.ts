/**
 * Structured logs: one JSON object per line on stdout. Callers pass explicit fields; request
 * headers, bodies, keys, hashes and session ids are never handed to the logger.
 */
type Level = 'info' | 'warn' | 'error';

export type Logger = (level: Level, message: string, fields?: Record<string, unknown>) => void;

/**
 * Writes to `out`. Info lines (one per request) are gathered and written once per turn of the
 * event loop: a write per line would cost a system call per request (about 4 µs, most of the
 * log's cost). Warnings and errors go out at once, after what was gathered, and whatever is
 * gathered goes out when the process exits.
 */
export function createJsonLogger(out: { write(text: string): unknown }): Logger {
  let gathered = '';
  const flush = () => {
    if (gathered === '') return;
    const text = gathered;
    gathered = '';
    out.write(text);
  };
  process.on('exit', flush);
  return (level, message, fields) => {
    const head = `{"time":"${new Date().toISOString()}","level":"${level}","message":${JSON.stringify(message)}`;
    const rest = fields === undefined ? '}' : `,${JSON.stringify(fields).slice(1)}`;
    const line = `${head}${rest === ',}' ? '}' : rest}\n`;
    if (level === 'info') {
      if (gathered === '') setImmediate(flush);
      gathered += line;
    } else {
      gathered += line;
      flush();
    }
  };
}

export const jsonLogger: Logger = createJsonLogger(process.stdout);

export const silentLogger: Logger = () => {};
