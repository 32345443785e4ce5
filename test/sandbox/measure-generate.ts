/**
 * Measures what `generate` costs: `node --expose-gc --import tsx test/sandbox/measure-generate.ts [count]`.
 * Prints heap growth and time for inserting the Leads, then for a full query over them. Figures are in
 * docs/sandbox.md; not a test (no timing assertions in tests).
 */
import { startSandbox } from '../../src/sandbox/server.ts';

const count = Number(process.argv[2] ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const settle = () => {
  gc?.();
  gc?.();
  return process.memoryUsage();
};

const sb = await startSandbox({ port: 0, seed: 'demo' });
const before = settle();
const t0 = performance.now();
const res = await fetch(`${sb.url}/__sandbox/generate/Lead`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count }) });
const t1 = performance.now();
console.log('generate', res.status, JSON.stringify(await res.json()));
const after = settle();
console.log(`${count} Leads in ${((t1 - t0) / 1000).toFixed(2)} s; heapUsed +${mb(after.heapUsed - before.heapUsed)}, rss +${mb(after.rss - before.rss)} (${((after.heapUsed - before.heapUsed) / count).toFixed(0)} bytes per lead)`);
const tokenRes = await fetch(`${sb.url}/services/oauth2/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ grant_type: 'password', client_id: sb.clientId, client_secret: sb.clientSecret, username: sb.username, password: sb.password }),
});
const { access_token: token } = (await tokenRes.json()) as { access_token: string };
const get = async (path: string) => {
  const t = performance.now();
  const r = await fetch(`${sb.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await r.json()) as { totalSize: number; nextRecordsUrl?: string };
  return { body, ms: performance.now() - t };
};
const q = (soql: string) => `/services/data/v64.0/query?q=${encodeURIComponent(soql)}`;
for (const soql of [
  'SELECT COUNT() FROM Lead',
  "SELECT Id, Email FROM Lead WHERE Email = 'ada.lovelace.50000@acme.example'",
  'SELECT Id, Email, SystemModstamp FROM Lead ORDER BY SystemModstamp, Id',
  "SELECT Id, Email, Owner.Email FROM Lead WHERE SystemModstamp > 2026-01-01T00:00:00Z ORDER BY SystemModstamp, Id",
]) {
  const first = await get(q(soql));
  let pages = 1;
  let next = first.body.nextRecordsUrl;
  let ms = first.ms;
  while (next) {
    const p = await get(next);
    ms += p.ms;
    pages++;
    next = p.body.nextRecordsUrl;
  }
  console.log(`${soql}: totalSize ${first.body.totalSize}, first page ${first.ms.toFixed(0)} ms, all ${pages} pages ${ms.toFixed(0)} ms`);
}
await sb.close();
