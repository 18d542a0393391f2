import type { AppRouter } from '@bucketgrid/trpc';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';

/**
 * A typed tRPC client with its own cookie jar, as a browser would have: it stores the
 * session cookie from Set-Cookie and sends it back, and sends the server's Origin.
 */
export function browserClient(
  baseUrl: string,
  options: { origin?: string; userAgent?: string } = {},
) {
  const jar = new Map<string, string>();
  const lastSetCookies: string[] = [];
  const client = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${baseUrl}/trpc`,
        headers: () => ({
          origin: options.origin ?? baseUrl,
          ...(options.userAgent === undefined ? {} : { 'user-agent': options.userAgent }),
          cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
        }),
        fetch: async (url, init) => {
          const response = await fetch(url, init as RequestInit);
          for (const cookie of response.headers.getSetCookie()) {
            lastSetCookies.push(cookie);
            const [pair] = cookie.split(';');
            const [name, value] = pair!.split('=') as [string, string];
            if (value === '') jar.delete(name);
            else jar.set(name, value);
          }
          return response;
        },
      }),
    ],
  });
  return { client, jar, lastSetCookies };
}

export type Client = ReturnType<typeof browserClient>['client'];

/** The outcome of a call: 'ok', or the tRPC error code with our stable appCode. */
export async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return 'ok';
  } catch (error) {
    if (error instanceof TRPCClientError) {
      return `${error.data?.code}:${error.data?.appCode}`;
    }
    throw error;
  }
}

let counter = 0;
export async function signUp(baseUrl: string, name: string) {
  const browser = browserClient(baseUrl);
  const email = `${name.toLowerCase()}-${++counter}-${Date.now()}@example.com`;
  const user = await browser.client.auth.signUp.mutate({
    email,
    password: 'correct horse battery',
    name,
  });
  return { ...browser, user, email };
}
