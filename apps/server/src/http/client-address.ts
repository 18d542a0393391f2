import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/**
 * Which reverse proxies in front of the server are trusted to name the client in
 * X-Forwarded-For: none (`false`), the number of proxy hops, or the proxies' addresses and
 * subnets. As Express's `trust proxy` (proxy-addr) counts them: each proxy appends the address
 * it received the request from, so only the entries the trusted proxies wrote, counted from
 * the right, say anything; whatever the client wrote itself is further left and never used.
 */
export type TrustProxy = false | number | readonly string[];

/** Whether the hop `index` away from the server, at `address`, is a trusted proxy. */
export type TrustFunction = (address: string, index: number) => boolean;

/** An address as the socket and the header give it, IPv4-mapped IPv6 as plain IPv4. */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

function subnetsOf(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits))) {
      throw new Error(`"${entry}" is not an IP address or subnet (address/prefix length).`);
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return list;
}

/** The trust function Express's `trust proxy` setting takes, and clientAddress uses. */
export function trustFunction(trust: TrustProxy): TrustFunction {
  if (trust === false) return () => false;
  if (typeof trust === 'number') return (_address, index) => index < trust;
  const list = subnetsOf(trust);
  return (address) => {
    const family = isIP(plainAddress(address));
    return family !== 0 && list.check(plainAddress(address), family === 4 ? 'ipv4' : 'ipv6');
  };
}

/**
 * TRUST_PROXY: unset, empty or `0` for none; a number of hops (`1` behind one proxy, such as
 * the shipped Caddy); or a comma-separated list of the proxies' addresses and subnets.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = value?.trim() ?? '';
  if (text === '' || text === '0') return false;
  if (/^\d+$/.test(text)) return Number(text);
  const entries = text.split(',').map((entry) => entry.trim());
  subnetsOf(entries);
  return entries;
}

/**
 * The client's address for every per-address limit (REST, tRPC, live views): walking from the
 * socket's peer leftwards through X-Forwarded-For, the first hop that is not a trusted proxy,
 * or the leftmost when all of them are (as proxy-addr, and so Express's req.ip, decide).
 */
export function clientAddress(req: IncomingMessage, trust: TrustFunction): string {
  const peer = plainAddress(req.socket.remoteAddress ?? 'unknown');
  if (!trust(peer, 0)) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  let address = peer;
  for (let index = 1; index <= forwarded.length; index++) {
    address = plainAddress(forwarded[forwarded.length - index]!);
    if (!trust(address, index)) return address;
  }
  return address;
}
