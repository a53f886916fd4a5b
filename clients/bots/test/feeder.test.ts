import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decidePoint, feederRound, planFeed, chunks, type Stored } from '../src/feeder';
import { memoryLogger } from '../src/log';
import { FileSource, HttpSource, parseSnapshot, redacted, SourceError } from '../src/sources';
import { FakeChain, key } from './fake';

const NOW = 1_760_000_000;

test('parseSnapshot accepts the documented format', () => {
  const snap = parseSnapshot(
    {
      prices: [{ symbol: 'ATOM', price: '10.5', publish_time: NOW - 5 }, { symbol: 'OSMO', price: '0.25' }],
      vols: [{ underlying: 'ATOM', expiry: NOW + 86_400, vol: '0.6' }],
    },
    'test',
  );
  assert.deepEqual(snap, {
    prices: [{ symbol: 'ATOM', price: '10.5', publish_time: NOW - 5 }, { symbol: 'OSMO', price: '0.25' }],
    vols: [{ underlying: 'ATOM', expiry: NOW + 86_400, vol: '0.6' }],
  });
  assert.deepEqual(parseSnapshot({}, 'test'), { prices: [], vols: [] });
});

test('parseSnapshot rejects bad input with a clear error', () => {
  const bad: [unknown, string][] = [
    [[], 'test: top level: expected an object with "prices" and/or "vols", got []'],
    [{ price: [] }, 'test: price: unknown field (expected "prices", "vols"), got "price"'],
    [{ prices: {} }, 'test: prices: expected a list, got {}'],
    [{ prices: [{ symbol: 'ATOM', price: 10 }] }, 'test: prices[0].price: expected a decimal string like "10.5", got 10'],
    [{ prices: [{ symbol: 'ATOM', price: '1e3' }] }, 'test: prices[0].price: expected a decimal string like "10.5", got "1e3"'],
    [{ prices: [{ symbol: 'ATOM', price: '-1' }] }, 'test: prices[0].price: expected a decimal string like "10.5", got "-1"'],
    [{ prices: [{ symbol: 'ATOM', price: '0.000' }] }, 'test: prices[0].price: must be > 0, got "0.000"'],
    [{ prices: [{ symbol: '', price: '1' }] }, 'test: prices[0].symbol: expected a non-empty string, got ""'],
    [{ prices: [{ symbol: 'A', price: '1' }, { symbol: 'A', price: '2' }] }, 'test: prices[1].symbol: appears twice, got "A"'],
    [{ prices: [{ symbol: 'A', price: '1', publish_time: 1.5 }] }, 'test: prices[0].publish_time: expected unix seconds (a positive integer), got 1.5'],
    [{ prices: [{ symbol: 'A', price: '1', publish_time: NOW * 1000 }] }, `test: prices[0].publish_time: expected unix seconds, not milliseconds, got ${NOW * 1000}`],
    [{ vols: [{ underlying: 'ATOM', expiry: '1', vol: '0.6' }] }, 'test: vols[0].expiry: expected unix seconds (a positive integer), got "1"'],
    [{ vols: [{ underlying: 'ATOM', expiry: 5, vol: '10.5' }] }, 'test: vols[0].vol: must be in (0, 10], got "10.5"'],
    [{ vols: [{ underlying: 'ATOM', expiry: 5, vol: '0' }] }, 'test: vols[0].vol: must be in (0, 10], got "0"'],
    [{ prices: [{ symbol: 'A', price: '1.0000000000000000001' }] }, 'test: prices[0].price: expected a decimal string like "10.5", got "1.0000000000000000001"'],
  ];
  for (const [input, message] of bad) assert.throws(() => parseSnapshot(input, 'test'), (e: unknown) => e instanceof SourceError && e.message === message, message);
  assert.deepEqual(parseSnapshot({ vols: [{ underlying: 'ATOM', expiry: 5, vol: '10' }] }, 'x').vols[0].vol, '10');
});

test('decidePoint: publish_time only increases, never in the future, unchanged points skipped', () => {
  const stored: Stored = { price: '10', publish_time: NOW - 100 };
  // The source's own time.
  assert.deepEqual(decidePoint('11', NOW - 100, stored, NOW, 600), { skip: `not newer than the stored point (${NOW - 100})` });
  assert.deepEqual(decidePoint('11', NOW - 200, stored, NOW, 600), { skip: `not newer than the stored point (${NOW - 100})` });
  assert.deepEqual(decidePoint('11', NOW - 99, stored, NOW, 600), { push: NOW - 99 });
  assert.deepEqual(decidePoint('11', NOW + 1, stored, NOW, 600), { skip: `publish_time ${NOW + 1} is after the chain's time ${NOW}` });
  // Stamped with the chain's time.
  assert.deepEqual(decidePoint('10.000', undefined, stored, NOW, 600), { skip: 'unchanged' });
  assert.deepEqual(decidePoint('10', undefined, stored, NOW, 100), { push: NOW }); // old enough to refresh
  assert.deepEqual(decidePoint('10.01', undefined, stored, NOW, 600), { push: NOW });
  assert.deepEqual(decidePoint('10', undefined, undefined, NOW, 600), { push: NOW });
  assert.deepEqual(decidePoint('11', undefined, { price: '10', publish_time: NOW }, NOW, 600), {
    skip: `the stored point is as recent as the chain's time (${NOW})`,
  });
});

test('planFeed: exact pushes for a snapshot', () => {
  const plan = planFeed(
    {
      prices: [{ symbol: 'ATOM', price: '5' }, { symbol: 'OSMO', price: '1' }, { symbol: 'BTC', price: '60000', publish_time: NOW - 3 }],
      vols: [{ underlying: 'ATOM', expiry: NOW + 100, vol: '0.6' }, { underlying: 'ATOM', expiry: NOW + 200, vol: '0.7' }],
    },
    new Map([['ATOM', { price: '10', publish_time: NOW - 10 }], ['OSMO', { price: '1', publish_time: NOW - 10 }]]),
    new Map([[`ATOM:${NOW + 100}`, { price: '0.6', publish_time: NOW - 10 }]]),
    NOW,
    600,
  );
  assert.deepEqual(plan, {
    prices: [{ symbol: 'ATOM', price: '5', publish_time: NOW }, { symbol: 'BTC', price: '60000', publish_time: NOW - 3 }],
    vols: [{ underlying: 'ATOM', expiry: NOW + 200, vol: '0.7', publish_time: NOW }],
    skipped: [{ kind: 'price', key: 'OSMO', reason: 'unchanged' }, { kind: 'vol', key: `ATOM:${NOW + 100}`, reason: 'unchanged' }],
  });
  assert.deepEqual(chunks([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
  assert.equal(chunks(Array.from({ length: 70 }, (_, i) => i)).length, 3); // 32 per push
});

test('FileSource reads the file each round; a bad file is a clear error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bots-'));
  const path = join(dir, 'prices.json');
  writeFileSync(path, JSON.stringify({ prices: [{ symbol: 'ATOM', price: '10' }] }));
  const src = new FileSource(path);
  assert.deepEqual(await src.read(), { prices: [{ symbol: 'ATOM', price: '10' }], vols: [] });
  writeFileSync(path, JSON.stringify({ prices: [{ symbol: 'ATOM', price: '5' }] }));
  assert.deepEqual((await src.read()).prices, [{ symbol: 'ATOM', price: '5' }]);
  writeFileSync(path, '{"prices": [');
  await assert.rejects(src.read(), (e: unknown) => e instanceof SourceError && e.message.startsWith(`file:${path}: not JSON:`));
  await assert.rejects(new FileSource(join(dir, 'none.json')).read(), (e: unknown) => e instanceof SourceError && e.message.startsWith(`file:${join(dir, 'none.json')}: cannot read:`));
});

// A local endpoint on 127.0.0.1, started and stopped by the tests.
let server: Server;
let base = '';
let body = '';
let status = 200;
before(async () => {
  server = createServer((req, res) => {
    res.writeHead(req.url === '/prices' ? status : 404, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

test('HttpSource: parses the endpoint, reports HTTP errors and bad bodies', async () => {
  body = JSON.stringify({ prices: [{ symbol: 'ATOM', price: '9.75', publish_time: NOW }], vols: [{ underlying: 'ATOM', expiry: NOW + 60, vol: '0.55' }] });
  status = 200;
  const src = new HttpSource(`${base}/prices`);
  assert.deepEqual(await src.read(), {
    prices: [{ symbol: 'ATOM', price: '9.75', publish_time: NOW }],
    vols: [{ underlying: 'ATOM', expiry: NOW + 60, vol: '0.55' }],
  });
  await assert.rejects(new HttpSource(`${base}/other`).read(), (e: unknown) => e instanceof SourceError && e.message === `http:${base}/other: HTTP 404`);
  body = JSON.stringify({ prices: [{ symbol: 'ATOM', price: 9.75 }] });
  await assert.rejects(src.read(), (e: unknown) => e instanceof SourceError && e.message === `http:${base}/prices: prices[0].price: expected a decimal string like "10.5", got 9.75`);
  body = 'not json';
  await assert.rejects(src.read(), (e: unknown) => e instanceof SourceError && e.message.startsWith(`http:${base}/prices: not JSON:`));
});

test('feeder round over HTTP: pushes what changed, in exact messages; bad input pushes nothing', async () => {
  body = JSON.stringify({ prices: [{ symbol: 'ATOM', price: '5' }, { symbol: 'OSMO', price: '1' }], vols: [{ underlying: 'ATOM', expiry: NOW + 60, vol: '0.6' }] });
  status = 200;
  const stored: Record<string, { price: string; publish_time: number }> = { ATOM: { price: '10', publish_time: NOW - 30 }, OSMO: { price: '1', publish_time: NOW - 30 } };
  const chain = new FakeChain(
    (_c, msg) => {
      const k = key(msg);
      if (k === 'price') {
        const s = stored[(msg.price as { symbol: string }).symbol];
        return s ? { symbol: (msg.price as { symbol: string }).symbol, ...s, age_seconds: 30, fresh: true } : new Error('no price');
      }
      if (k === 'vol') return new Error('no vol');
      return undefined;
    },
    (_c, msg) => {
      for (const p of (msg.push_prices as { prices?: { symbol: string; price: string; publish_time: number }[] } | undefined)?.prices ?? []) stored[p.symbol] = p;
      return {};
    },
    NOW,
  );
  const log = memoryLogger();
  const ctx = { chain, engine: 'wasm1engine', lens: 'wasm1lens', source: new HttpSource(`${base}/prices`), cfg: { source: { kind: 'http' as const, url: '' } }, log };
  assert.deepEqual(await feederRound(ctx), { pulled: 0, prices: 1, vols: 1, skipped: 1, failed: 0 });
  assert.deepEqual(chain.sent, [
    { contract: 'wasm1engine', msg: { push_prices: { prices: [{ symbol: 'ATOM', price: '5', publish_time: NOW }] } }, funds: [] },
    { contract: 'wasm1engine', msg: { push_vols: { vols: [{ underlying: 'ATOM', expiry: NOW + 60, vol: '0.6', publish_time: NOW }] } }, funds: [] },
  ]);
  assert.deepEqual(log.entries[0], { bot: 'feeder', action: 'push_price', key: 'OSMO', outcome: 'skipped', reason: 'unchanged' });
  // Restarted in the same block: ATOM is stored at the chain's time now; nothing new is pushed.
  body = JSON.stringify({ prices: [{ symbol: 'ATOM', price: '5' }] });
  assert.deepEqual(await feederRound(ctx), { pulled: 0, prices: 0, vols: 0, skipped: 1, failed: 0 });
  // Bad input: logged, nothing pushed.
  body = JSON.stringify({ prices: [{ symbol: 'ATOM' }] });
  const n = chain.sent.length;
  assert.deepEqual(await feederRound(ctx), { pulled: 0, prices: 0, vols: 0, skipped: 0, failed: 1 });
  assert.equal(chain.sent.length, n);
  assert.deepEqual(log.entries[log.entries.length - 1], {
    bot: 'feeder', action: 'read_source', source: `http:${base}/prices`, outcome: 'failed',
    error: `http:${base}/prices: prices[0].price: expected a decimal string like "10.5", got undefined`,
  });
});

test('feeder round: pulls each oracle symbol in its own transaction; a refused pull stops nothing', async () => {
  const chain = new FakeChain(
    () => new Error('no price'),
    (_c, msg) => {
      const pull = msg.pull_prices as { symbols: string[] } | undefined;
      if (pull && pull.symbols[0] === 'OSMO') return new Error('the oracle of OSMO did not answer');
      return {};
    },
    NOW,
  );
  const log = memoryLogger();
  const source = { name: 'empty', read: async () => ({ prices: [], vols: [] }) };
  const cfg = { source: { kind: 'file' as const, path: '' }, pull: ['ATOM', 'OSMO', 'BTC'] };
  const ctx = { chain, engine: 'wasm1engine', lens: 'wasm1lens', source, cfg, log };
  assert.deepEqual(await feederRound(ctx), { pulled: 2, prices: 0, vols: 0, skipped: 0, failed: 1 });
  assert.deepEqual(
    chain.sent.map((s) => s.msg),
    [{ pull_prices: { symbols: ['ATOM'] } }, { pull_prices: { symbols: ['OSMO'] } }, { pull_prices: { symbols: ['BTC'] } }],
  );
  assert.equal(log.entries[1].outcome, 'failed');
  assert.equal(log.entries[1].symbol, 'OSMO');
});

test('feeder round: a symbol priced by an oracle is left out of the push (the engine would refuse the whole push)', async () => {
  const chain = new FakeChain(
    (_c, msg) => {
      const symbol = (msg.price as { symbol: string } | undefined)?.symbol;
      if (symbol === 'ATOM') return { symbol, price: '10', publish_time: NOW - 30, age_seconds: 30, fresh: true, source: { pyth: { contract: 'wasm1pyth', price_feed_id: 'ab', max_confidence_bps: 100 } } };
      if (symbol === 'OSMO') return { symbol, price: '1', publish_time: NOW - 30, age_seconds: 30, fresh: true, source: 'push' };
      return new Error('no vol');
    },
    () => ({}),
    NOW,
  );
  const log = memoryLogger();
  const source = { name: 'test', read: async () => ({ prices: [{ symbol: 'ATOM', price: '11' }, { symbol: 'OSMO', price: '2' }], vols: [] }) };
  const ctx = { chain, engine: 'wasm1engine', lens: 'wasm1lens', source, cfg: { source: { kind: 'file' as const, path: '' } }, log };
  assert.deepEqual(await feederRound(ctx), { pulled: 0, prices: 1, vols: 0, skipped: 1, failed: 0 });
  assert.deepEqual(chain.sent.map((s) => s.msg), [{ push_prices: { prices: [{ symbol: 'OSMO', price: '2', publish_time: NOW }] } }]);
  assert.equal(log.entries[0].reason, 'priced by an oracle: pulled, not pushed');
});

test('an HTTP source is logged without its credentials or query string', () => {
  assert.equal(redacted('https://user:secret@prices.example/v1/feed?api_key=abc'), 'https://prices.example/v1/feed');
  assert.equal(redacted('not a url'), '<invalid url>');
});
