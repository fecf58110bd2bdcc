// Where the service may send a request it was told to (SSRF guard): webhook targets, and the
// pièces of Démarches Simplifiées' dossiers. Pure but for `guardedLookup`, which resolves.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses no delivery may reach: private, shared, link-local (cloud metadata), reserved,
 * multicast. One list per family: Node's BlockList matches an IPv4 address against IPv6 rules
 * that cover its mapped forms.
 */
const FORBIDDEN = new BlockList();
const FORBIDDEN_V6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT (and Alibaba's metadata 100.100.100.200)
  ['169.254.0.0', 16], // link-local, cloud metadata 169.254.169.254
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  FORBIDDEN.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 96], // the unspecified address and IPv4-compatible addresses (::a.b.c.d)
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7], // unique local, AWS metadata fd00:ec2::254
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  FORBIDDEN_V6.addSubnet(net, prefix, 'ipv6');

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
const LOOPBACK_V6 = new BlockList();
LOOPBACK_V6.addAddress('::1', 'ipv6');

/** The IPv4 address carried by an IPv4-mapped (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) IPv6 address. */
function embeddedIpv4(address: string): string | undefined {
  const m = /^(?:::ffff:|::ffff:0:|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(address);
  if (!m) return undefined;
  if (m[1]) return m[1];
  const hi = parseInt(m[2], 16);
  const lo = parseInt(m[3], 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Why a delivery may not go to `address` (an IP), or null when it may. */
export function addressRefusal(address: string, allowLoopback: boolean): string | null {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  const v4 = family === 6 ? embeddedIpv4(address) : address;
  if (v4 !== undefined) {
    if (LOOPBACK.check(v4, 'ipv4')) return allowLoopback ? null : `${address} is a loopback address`;
    return FORBIDDEN.check(v4, 'ipv4') ? `${address} is a private, link-local or reserved address` : null;
  }
  if (LOOPBACK_V6.check(address, 'ipv6')) return allowLoopback ? null : `${address} is a loopback address`;
  return FORBIDDEN_V6.check(address, 'ipv6') ? `${address} is a private, link-local or reserved address` : null;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Why `raw` may not be a webhook's target, or null: https only (http for a loopback host when
 * allowed), no credentials, no fragment, an IP literal only if public. Names are resolved at
 * each delivery (`guardedLookup`), where DNS rebinding cannot slip in between.
 */
export function targetRefusal(raw: string, allowLoopback: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a valid URL';
  }
  // A fully qualified name's final dot names the same host ("localhost." is localhost).
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowLoopback && LOOPBACK_NAMES.has(host))) {
    return allowLoopback ? 'must be an https URL (or http on 127.0.0.1, localhost or [::1])' : 'must be an https URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.hash) return 'must not carry a fragment';
  if (host === 'localhost' || host.endsWith('.localhost')) return allowLoopback ? null : 'must not name localhost';
  const literal = host.startsWith('[') ? host.slice(1, -1) : host;
  if (isIP(literal)) {
    const refusal = addressRefusal(literal, allowLoopback);
    if (refusal) return `must not target ${refusal.replace(`${literal} is `, '')}`;
  }
  return null;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request: resolves the name and refuses the connection when any address
 * is forbidden. The socket connects to the addresses checked here: what the name resolves
 * to later cannot redirect it.
 */
export function guardedLookup(allowLoopback: boolean) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const list = addresses;
      const refused = list.map((a) => addressRefusal(a.address, allowLoopback)).find((r) => r !== null);
      if (refused || list.length === 0) {
        // Which address is not said: the delivery log would tell a partner what an internal name resolves to.
        const denied = Object.assign(new Error(`${hostname} resolves to a private, link-local, loopback or reserved address`), { code: 'EADDRFORBIDDEN' });
        return callback(denied, '');
      }
      if (options.all) return callback(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}
