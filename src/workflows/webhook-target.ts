/**
 * Where a workflow webhook may go. Customers write the URL, so loopback, private, link-local and
 * other internal addresses are refused (no reaching into our own network) unless the operator lists
 * the host or a CIDR in LEADSYNC_WEBHOOK_ALLOWED_HOSTS. The host is resolved and every address checked.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const internal = new BlockList();
for (const [net, bits] of [
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
  internal.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  internal.addSubnet(net, bits, 'ipv6');
}

export class WebhookTargetRefused extends Error {}

export interface TargetPolicy {
  /** Host names, IPs or CIDRs from LEADSYNC_WEBHOOK_ALLOWED_HOSTS. */
  allowed: readonly string[];
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

function isInternal(address: string): boolean {
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return internal.check(mapped[1], 'ipv4');
  return internal.check(address, family);
}

/** Throws WebhookTargetRefused unless the URL is http(s) and every address it resolves to is allowed. */
export async function checkWebhookTarget(rawUrl: string, policy: TargetPolicy): Promise<URL> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new WebhookTargetRefused(`"${rawUrl}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WebhookTargetRefused('webhooks must use http or https');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const allowed = allowList(policy.allowed);
  if (allowed.hosts.has(host)) return url;
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  for (const address of addresses) {
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (isInternal(address) && !allowed.nets.check(address, family)) {
      throw new WebhookTargetRefused(`${host} resolves to ${address}, an internal address; an operator can allow it with LEADSYNC_WEBHOOK_ALLOWED_HOSTS`);
    }
  }
  return url;
}
