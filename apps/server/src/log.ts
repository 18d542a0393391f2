/**
 * Structured logs: one JSON object per line on stdout. Callers pass explicit fields; request
 * headers, bodies, keys, hashes and session ids are never handed to the logger.
 */
type Level = 'info' | 'warn' | 'error';

export type Logger = (level: Level, message: string, fields?: Record<string, unknown>) => void;

export const jsonLogger: Logger = (level, message, fields) => {
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })}\n`,
  );
};

export const silentLogger: Logger = () => {};
