import type { ProblemDetailItem } from '@bucketgrid/shared';

/**
 * The query string of a request URL, parsed strictly: each parameter once, percent-escapes
 * that decode to UTF-8 (else a problem, never a replacement character). Problems go to
 * `problems`, one per parameter, in order.
 */
export function parseQueryString(
  url: string,
  problems: ProblemDetailItem[],
): Record<string, string> {
  const params: Record<string, string> = Object.create(null);
  const start = url.indexOf('?');
  if (start === -1) return params;
  for (const pair of url.slice(start + 1).split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = decode(equals === -1 ? pair : pair.slice(0, equals));
    const value = decode(equals === -1 ? '' : pair.slice(equals + 1));
    if (name === undefined) {
      problems.push({ parameter: pair, detail: 'the name is not valid percent-encoded UTF-8' });
    } else if (value === undefined) {
      problems.push({ parameter: name, detail: 'the value is not valid percent-encoded UTF-8' });
    } else if (name in params) {
      problems.push({ parameter: name, detail: 'give this parameter once' });
    } else {
      params[name] = value;
    }
  }
  return params;
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}
