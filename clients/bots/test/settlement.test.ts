import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { dueSeries, seriesState, settlementRound } from '../src/settlement';
import { heartbeatDue, heartbeatRound } from '../src/heartbeat';
import { memoryLogger } from '../src/log';
import { FakeChain, key } from './fake';

const NOW = 1_760_000_000;
const series = (series_id: number, expiry: number, open_long: string, open_short: string, retired = false) => ({
  series_id, expired: NOW >= expiry, retired, quote: null, open_long, open_short,
  params: { underlying: 'ATOM', expiry, kind: 'put' as const, strike: '10', contract_size: '1', open_interest_cap: '1000' },
});

test('seriesState / dueSeries: expired, open, with a settlement price', () => {
  assert.equal(seriesState(series(1, NOW + 1, '5', '0'), NOW, true), 'live');
  assert.equal(seriesState(series(1, NOW, '5', '0'), NOW, false), 'waiting_for_price');
  assert.equal(seriesState(series(1, NOW, '0', '3'), NOW, true), 'due');
  assert.equal(seriesState(series(1, NOW - 10, '0', '0'), NOW, true), 'empty');
  const all = [series(4, NOW - 5, '2', '0'), series(2, NOW - 5, '0', '1'), series(3, NOW - 100, '1', '1'), series(5, NOW + 50, '9', '9'), series(6, NOW - 5, '0', '0')];
  const prices = new Map([[`ATOM:${NOW - 5}`, true], [`ATOM:${NOW - 100}`, false]]);
  assert.deepEqual(dueSeries(all, NOW, prices).map((s) => s.series_id), [2, 4]);
});

test('settlement round: cranks due series page by page, waits for a price, exact messages', async () => {
  const list = [series(1, NOW - 60, '40', '0'), series(2, NOW - 60, '0', '0'), series(3, NOW - 10, '1', '0'), series(4, NOW + 600, '7', '7')];
  let pages = 0;
  const chain = new FakeChain(
    (_c, msg) => {
      const k = key(msg);
      if (k === 'series_list') return { series: list };
      if (k === 'settlement_price') {
        const m = msg.settlement_price as { underlying: string; expiry: number };
        return { ...m, price: m.expiry === NOW - 60 ? '6' : null };
      }
      return undefined;
    },
    (_c, msg) => {
      const m = msg.settle_series as { series_id: number; limit: number };
      pages++;
      // 40 holders, 30 per call: two pages, the second retires the series.
      return { accounts: String(pages === 1 ? 30 : 10), settled_positions: String(pages === 1 ? 30 : 10), claims_paid: '0', retired: String(pages === 2), series_id: String(m.series_id) };
    },
    NOW,
  );
  const log = memoryLogger();
  const s = await settlementRound({ chain, engine: 'wasm1engine', lens: 'wasm1lens', cfg: { underlyings: ['ATOM'] }, log });
  assert.deepEqual(chain.sent, [
    { contract: 'wasm1engine', msg: { settle_series: { series_id: 1, limit: 30 } }, funds: [] },
    { contract: 'wasm1engine', msg: { settle_series: { series_id: 1, limit: 30 } }, funds: [] },
  ]);
  assert.deepEqual(s, {
    calls: [
      { series_id: 1, accounts: 30, settled_positions: 30, retired: false },
      { series_id: 1, accounts: 10, settled_positions: 10, retired: true },
    ],
    waiting: [3],
    failed: 0,
  });
  assert.deepEqual(log.entries[0], { bot: 'settlement', action: 'settle_series', series_id: 3, underlying: 'ATOM', expiry: NOW - 10, outcome: 'skipped', reason: 'no settlement price yet' });
  // One settlement-price query per expiry, none for live series.
  assert.deepEqual(chain.queries.filter((q) => key(q) === 'settlement_price'), [
    { settlement_price: { underlying: 'ATOM', expiry: NOW - 60 } },
    { settlement_price: { underlying: 'ATOM', expiry: NOW - 10 } },
  ]);
});

test('retire_empty_series: one SettleSeries per empty expired series with a price, once per process', async () => {
  const list = [series(1, NOW - 60, '0', '0'), series(2, NOW - 60, '3', '0'), series(3, NOW - 10, '0', '0'), series(4, NOW + 60, '0', '0')];
  const chain = new FakeChain(
    (_c, msg) => {
      const k = key(msg);
      if (k === 'series_list') return { series: list };
      if (k === 'settlement_price') {
        const m = msg.settlement_price as { underlying: string; expiry: number };
        return { ...m, price: m.expiry === NOW - 60 ? '6' : null };
      }
      return undefined;
    },
    (_c, msg) => ({ accounts: (msg.settle_series as { series_id: number }).series_id === 2 ? '3' : '0', settled_positions: '0', retired: 'true' }),
    NOW,
  );
  const retired = new Set<number>();
  const ctx = { chain, engine: 'wasm1engine', lens: 'wasm1lens', cfg: { underlyings: ['ATOM'], retire_empty_series: true }, log: memoryLogger(), retired };
  await settlementRound(ctx);
  // Series 1 (empty, priced) retired; 2 due; 3 empty but unpriced; 4 live.
  assert.deepEqual(chain.sent.map((s) => s.msg), [{ settle_series: { series_id: 1, limit: 30 } }, { settle_series: { series_id: 2, limit: 30 } }]);
  list[1] = series(2, NOW - 60, '0', '0'); // settled now
  await settlementRound(ctx);
  // Series 2 is empty now and was never retired by this process: one call; series 1 not again.
  assert.deepEqual(chain.sent.slice(2).map((s) => s.msg), [{ settle_series: { series_id: 2, limit: 30 } }]);
  await settlementRound(ctx);
  assert.equal(chain.sent.length, 3);
  // Off by default.
  const off = { ...ctx, cfg: { underlyings: ['ATOM'] }, retired: new Set<number>() };
  await settlementRound(off);
  assert.equal(chain.sent.length, 3);
  // A restarted crank reads which series are retired from the lens: no call for them.
  list[0] = series(1, NOW - 60, '0', '0', true);
  list[1] = series(2, NOW - 60, '0', '0', true);
  await settlementRound({ ...ctx, retired: new Set<number>() });
  assert.equal(chain.sent.length, 3);
});

test('heartbeatDue: none yet, or the interval elapsed (nanosecond Timestamps, or unix seconds)', () => {
  assert.equal(heartbeatDue(null, 60, NOW), true);
  assert.equal(heartbeatDue(undefined, 60, NOW), true);
  assert.equal(heartbeatDue(`${(NOW - 59) * 1e9}`, 60, NOW), false);
  assert.equal(heartbeatDue(`${BigInt(NOW - 60) * 1_000_000_000n + 999_999_999n}`, 60, NOW), true);
  assert.equal(heartbeatDue(`${BigInt(NOW - 60) * 1_000_000_000n}`, 60, NOW), true);
  // Unix seconds as a JSON number (the contracts' coming convention).
  assert.equal(heartbeatDue(NOW - 59, 60, NOW), false);
  assert.equal(heartbeatDue(NOW - 60, 60, NOW), true);
});

test('heartbeat round: sends where due, skips where not, goes on after a failure', async () => {
  const vault = (last: string | null, fail = false) =>
    new FakeChain(
      (_c, msg) => (key(msg) === 'config' ? { heartbeat_interval_seconds: 60, last_heartbeat: last } : undefined),
      () => (fail ? new Error('heartbeat too early') : {}),
      NOW,
    );
  const a = vault(null);
  const b = vault(`${BigInt(NOW - 10) * 1_000_000_000n}`);
  const c = vault(`${BigInt(NOW - 600) * 1_000_000_000n}`, true);
  const log = memoryLogger();
  const r = await heartbeatRound([{ id: 'source-a', chain: a, vault: 'va' }, { id: 'source-b', chain: b, vault: 'vb' }, { id: 'source-c', chain: c, vault: 'vc' }], log);
  assert.deepEqual(r, { sent: ['source-a'], failed: 1 });
  assert.deepEqual(a.sent, [{ contract: 'va', msg: { heartbeat: {} }, funds: [] }]);
  assert.deepEqual(b.sent, []);
  assert.deepEqual(log.entries.map((e) => [e.source_id, e.outcome]), [['source-a', 'ok'], ['source-b', 'skipped'], ['source-c', 'failed']]);
});
