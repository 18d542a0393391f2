import { lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Webhook targets may not be the server's own network (a rule must not be a way to probe it):
 * loopback, link-local, private, shared, multicast and reserved addresses are refused unless
 * the operator allows them (ALERT_WEBHOOK_ALLOW_PRIVATE=1). Every address a host name
 * resolves to is checked, at the moment of connecting (the lookup the request itself uses),
 * so a name that resolves elsewhere the second time gains nothing.
 */
const refused = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  refused.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  refused.addSubnet(network, prefix, 'ipv6');
}

/** Whether an address is one a webhook may reach without ALERT_WEBHOOK_ALLOW_PRIVATE. */
export function isPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const plain = mapped?.[1] ?? address;
  const family = isIP(plain);
  if (family === 0) return false;
  return !refused.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

export class RefusedTarget extends Error {
  constructor(address: string) {
    super(
      `the webhook's host resolves to ${address}, a loopback, private or reserved address; refused (ALERT_WEBHOOK_ALLOW_PRIVATE=1 allows it)`,
    );
    this.name = 'RefusedTarget';
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | { address: string; family: number }[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request that resolves every address of the host and fails with
 * RefusedTarget when any is refused. (Node calls it with `all: true` when it tries several
 * addresses in turn.)
 */
export function guardedLookup(allowPrivate: boolean) {
  return (
    hostname: string,
    options: { all?: boolean; family?: number },
    callback: LookupCallback,
  ) => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (error, addresses) => {
      if (error) return callback(error, []);
      const bad = allowPrivate ? undefined : addresses.find((a) => !isPublicAddress(a.address));
      if (bad) return callback(new RefusedTarget(bad.address) as NodeJS.ErrnoException, []);
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      if (!first) return callback(new Error(`no address for ${hostname}`), []);
      callback(null, first.address, first.family);
    });
  };
}

/** An IP literal in a URL is connected to without a lookup: checked here instead. */
export function checkLiteralHost(url: URL, allowPrivate: boolean): void {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && isIP(host) !== 0 && !isPublicAddress(host)) throw new RefusedTarget(host);
}
