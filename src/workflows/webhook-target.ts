/**
 * Where a workflow webhook may go, and going there. Customers write the URL, so loopback, private,
 * link-local and other non-global addresses are refused (no reaching into our own network) unless
 * the operator lists the host or a CIDR in LEADSYNC_WEBHOOK_ALLOWED_HOSTS. IPv6 forms that carry an
 * IPv4 address (NAT64, 6to4, Teredo, IPv4-mapped/-compatible/-translated) are judged by that address.
 *
 * The host is resolved once; every address is checked; the request then connects to the checked
 * address (a custom `lookup`), so a DNS answer that changes between check and connect (rebinding)
 * cannot redirect it. Redirects are never followed.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

export class WebhookTargetRefused extends Error {}

export interface TargetPolicy {
  /** Host names, IPs or CIDRs from LEADSYNC_WEBHOOK_ALLOWED_HOSTS. */
  allowed: readonly string[];
}

/** Resolves a host name to all its addresses (dns.lookup by default; tests give their own). */
export type Lookup = (host: string) => Promise<{ address: string; family: number }[]>;
const systemLookup: Lookup = (host) => dnsLookup(host, { all: true });

/** A checked webhook URL and the address to connect to. */
export interface WebhookTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

function allowList(entries: readonly string[]): { hosts: Set<string>; nets: BlockList } {
  const hosts = new Set<string>();
  const nets = new BlockList();
  for (const entry of entries) {
    const [addr, bits] = entry.split('/');
    const family = isIP(addr);
    if (family && bits !== undefined) nets.addSubnet(addr, Number(bits), family === 6 ? 'ipv6' : 'ipv4');
    else if (family) nets.addAddress(addr, family === 6 ? 'ipv6' : 'ipv4');
    else hosts.add(entry.toLowerCase());
  }
  return { hosts, nets };
}

const v4 = (high: number, low: number) => ipaddr.fromByteArray([high >> 8, high & 0xff, low >> 8, low & 0xff]) as ipaddr.IPv4;

/** The IPv4 address an IPv6 address stands for (NAT64 /96, 6to4, Teredo, mapped, compatible, translated). */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const p = address.parts;
  const zeros = (from: number, to: number) => p.slice(from, to).every((x) => x === 0);
  const range = address.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145') return v4(p[6], p[7]);
  // 64:ff9b::/96, the well-known NAT64 prefix (RFC 6052); the local-use 64:ff9b:1::/48 is not global anyway.
  if (range === 'rfc6052' && zeros(2, 6)) return v4(p[6], p[7]);
  if (range === '6to4') return v4(p[1], p[2]);
  // Teredo carries the client's address inverted in its last 32 bits.
  if (range === 'teredo') return v4(~p[6] & 0xffff, ~p[7] & 0xffff);
  // IPv4-compatible ::a.b.c.d (deprecated); :: and ::1 are ranges of their own.
  if (zeros(0, 6) && (p[6] !== 0 || p[7] > 1)) return v4(p[6], p[7]);
  return undefined;
}

/** Whether an address is anything but global unicast (judging IPv6 forms by the IPv4 address they carry). */
export function isInternalAddress(text: string): boolean {
  if (!ipaddr.isValid(text)) return true;
  let address = ipaddr.parse(text);
  if (address.kind() === 'ipv6') address = embeddedIPv4(address as ipaddr.IPv6) ?? address;
  return address.range() !== 'unicast';
}

/**
 * Checks a webhook URL: http(s), and every address its host resolves to is global or allowed by the
 * operator. Returns the address to connect to; throws WebhookTargetRefused otherwise.
 */
export async function checkWebhookTarget(rawUrl: string, policy: TargetPolicy, lookup: Lookup = systemLookup): Promise<WebhookTarget> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new WebhookTargetRefused(`"${rawUrl}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WebhookTargetRefused('webhooks must use http or https');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const allowed = allowList(policy.allowed);
  const literal = isIP(host);
  const addresses = literal ? [{ address: host, family: literal }] : await lookup(host);
  if (addresses.length === 0) throw new Error(`${host} has no address`);
  if (!allowed.hosts.has(host)) {
    for (const { address, family } of addresses) {
      if (isInternalAddress(address) && !allowed.nets.check(address, family === 6 ? 'ipv6' : 'ipv4')) {
        throw new WebhookTargetRefused(`${host} resolves to ${address}, an internal address; an operator can allow it with LEADSYNC_WEBHOOK_ALLOWED_HOSTS`);
      }
    }
  }
  return { url, address: addresses[0].address, family: addresses[0].family === 6 ? 6 : 4 };
}

/** POSTs to a checked target, connecting to its checked address; a redirect is returned, never followed. */
export function postWebhook(target: WebhookTarget, request: { headers: Record<string, string>; body: string; timeoutMs: number }): Promise<{ status: number }> {
  const { url, address, family } = target;
  // Whatever name the connection asks for, the answer is the address that was checked.
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const options: RequestOptions = {
    method: 'POST',
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port || undefined,
    path: `${url.pathname}${url.search}`,
    headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
    lookup: pinned,
    signal: AbortSignal.timeout(request.timeoutMs),
  };
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => reject(error.name === 'AbortError' ? Object.assign(new Error(`timed out after ${request.timeoutMs} ms`), { name: 'TimeoutError' }) : error);
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(options, (res) => {
      // Read and drop the answer (bounded by the timeout): only its status matters.
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end(request.body);
  });
}
