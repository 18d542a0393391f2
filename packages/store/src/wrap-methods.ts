// biome-ignore lint/suspicious/noExplicitAny: a method of any signature, wrapped as is
type Method = (...args: any[]) => any;

/**
 * `target` with its methods replaced by what `wrap` returns for each (given the method bound
 * to `target`; `undefined` keeps it), its other properties copied. A plain object of
 * functions rather than a Proxy: store calls are the ingestion hot path, and a proxy runs a
 * trap on every access. Each concern wraps the store this way: a locked or unreachable
 * database, deadlines, metrics, upkeep's wake-up.
 */
export function wrapMethods<T extends object>(
  target: T,
  wrap: (name: string, method: Method) => Method | undefined,
): T {
  const wrapped = { ...target } as Record<string, unknown>;
  for (const [name, value] of Object.entries(target)) {
    if (typeof value !== 'function') continue;
    const replacement = wrap(name, (value as Method).bind(target));
    if (replacement !== undefined) wrapped[name] = replacement;
  }
  return wrapped as T;
}
