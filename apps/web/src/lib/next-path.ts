/**
 * Where to go after signing in: the page the visitor asked for, if it is a path of this app.
 * Anything else (another site, `//host`, junk) goes to the workspace page instead.
 */
export function safeNextPath(next: string | null): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}
