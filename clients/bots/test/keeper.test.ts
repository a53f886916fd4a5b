import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { accountAction, keeperRound, maxRepayFor, planSeize, seizeAmount, seizeHistory } from '../src/keeper';
import { memoryLogger } from '../src/log';
import { FakeChain, key } from './fake';

const ENGINE = 'wasm1engine';
const LENS = 'wasm1lens';
const CONTROLLER = 'wasm1controller';
const U = 1_000_000n;

test('seize amounts match the engine (the local-network story: 50 USDC at 1 per OSMO, 20 USDC at 5 per ATOM)', () => {
  assert.equal(seizeAmount(50n * U, '1', '0.05', 6, 6), 52_500_000n);
  assert.equal(seizeAmount(20n * U, '5', '0.05', 6, 6), 4_200_000n);
  // The largest repayment whose seize fits in the usable amount, and no more.
  assert.equal(maxRepayFor(800n * U, '1', '0.05', 6, 6), 761_904_761n);
  assert.equal(seizeAmount(761_904_761n, '1', '0.05', 6, 6), 799_999_999n);
  assert.ok(seizeAmount(761_904_762n, '1', '0.05', 6, 6) <= 800n * U);
  assert.equal(seizeAmount(761_904_763n, '1', '0.05', 6, 6), 800_000_001n);
  // 18-decimal collateral against a 6-decimal quote.
  assert.equal(seizeAmount(10n * U, '2.5', '0.05', 18, 6), 4_200_000_000_000_000_000n);
});

test('accountAction: liquidate positions first, seize debt of an account with none, leave healthy ones', () => {
  const a = (cash: string, equity: string, mm: string) => ({ account: 'x', cash, equity, maintenance_margin: mm });
  assert.equal(accountAction(a('-5', '-10', '20'), 2), 'liquidate');
  assert.equal(accountAction(a('-5', '-10', '0'), 0), 'seize');
  assert.equal(accountAction(a('-5', '10', '0'), 0), 'none'); // in debt, but not below maintenance
  assert.equal(accountAction(a('100', '10', '20'), 0), 'none');
});

test('planSeize picks the collateral that repays most, capped by debt and max_repay', () => {
  const atom = { source_id: 'source-a', owner: 'o', asset: { native: 'uatom' }, usable: 100n * U, price: '5', decimals: 6 };
  const osmo = { source_id: 'source-b', owner: 'o', asset: { native: 'uosmo' }, usable: 10n * U, price: '1', decimals: 6 };
  assert.deepEqual(planSeize(1000n * U, [osmo, atom], '0.05', 6), {
    source_id: 'source-a', owner: 'o', asset: { native: 'uatom' }, repay: 476_190_476n, amount: 99_999_999n,
  });
  assert.deepEqual(planSeize(5n * U, [osmo, atom], '0.05', 6), {
    source_id: 'source-b', owner: 'o', asset: { native: 'uosmo' }, repay: 5n * U, amount: 5_250_000n,
  });
  assert.equal(planSeize(5n * U, [{ ...osmo, usable: 0n }], '0.05', 6), null);
  assert.equal(planSeize(5n * U, [{ ...osmo, usable: 1n }], '0.05', 6), null); // repays nothing
  assert.equal(planSeize(1000n * U, [atom], '0.05', 6, 20n * U)?.repay, 20n * U);
});

test('seizeHistory: in flight, and the last one failed', () => {
  const rec = (seize_id: number, status: unknown) => ({ seize_id, status }) as never;
  assert.deepEqual(seizeHistory([rec(3, 'in_flight'), rec(1, { succeeded: { available: '0', seq: 1 } })]), { inFlight: [3], lastFailed: undefined });
  assert.deepEqual(seizeHistory([rec(2, { failed: { reason: 'timeout' } }), rec(1, { succeeded: { available: '0', seq: 1 } })]), {
    inFlight: [], lastFailed: { seize_id: 2, reason: 'timeout' },
  });
  assert.deepEqual(seizeHistory([]), { inFlight: [], lastFailed: undefined });
});

// ---- a whole round on a fake chain ----------------------------------------------------------

interface Acct { cash: bigint; equity: bigint; mm: bigint; positions: number }

function world(refuseSource?: string, failedCalls: { seize_id: number; call: string; funds: string; error: string; failed_at: number }[] = []) {
  const accounts: Record<string, Acct> = {
    wasm1alice: { cash: -10n, equity: -5n * U, mm: 20n * U, positions: 2 },
    wasm1bob: { cash: -30n * U, equity: -30n * U, mm: 0n, positions: 0 },
    wasm1carol: { cash: -5n * U, equity: -4n * U, mm: 0n, positions: 0 },
    wasm1dave: { cash: -1n * U, equity: 3n * U, mm: 0n, positions: 0 },
  };
  let nextSeize = 10;
  const seizes: Record<string, { seize_id: number; status: unknown }[]> = {
    wasm1bob: [{ seize_id: 7, status: 'in_flight' }],
    wasm1carol: [{ seize_id: 9, status: { failed: { reason: 'timed out' } } }],
  };
  const collateral: Record<string, { source_id: string; asset: { native: string }; usable: string; owner?: string }[]> = {
    wasm1alice: [
      // Bound to alice by an owner she never authorized: the largest, and never a candidate.
      { source_id: 'source-a', asset: { native: 'uatom' }, usable: '900000000000', owner: 'wasm1mallory' },
      { source_id: 'source-a', asset: { native: 'uatom' }, usable: '100000000' },
      { source_id: 'source-b', asset: { native: 'uosmo' }, usable: '800000000' },
    ],
    wasm1carol: [{ source_id: 'source-b', asset: { native: 'uosmo' }, usable: '3000000' }],
  };
  let stale: string | null = 'spot moved 50%';
  let refund = '0';
  const names = Object.keys(accounts).sort();
  const view = (id: string) => ({ account: id, cash: accounts[id].cash.toString(), equity: accounts[id].equity.toString(), maintenance_margin: accounts[id].mm.toString() });
  const chain = new FakeChain(
    (contract, msg) => {
      const k = key(msg);
      const m = (msg as Record<string, Record<string, unknown>>)[k];
      if (contract === LENS && k === 'pool_risk') return { stale };
      if (contract === CONTROLLER && k === 'refund') return { keeper: m.keeper, amount: refund };
      if (contract === CONTROLLER && k === 'failed_engine_calls') return { calls: failedCalls };
      if (contract === LENS && k === 'liquidatable') {
        // Two per page, as the lens pages: start_after exclusive.
        const listed = names.filter((n) => accounts[n].cash < 0n || accounts[n].equity < accounts[n].mm);
        const start = m.start_after ? names.indexOf(m.start_after as string) + 1 : 0;
        const page = names.slice(start, start + 2);
        return { accounts: page.filter((n) => listed.includes(n)).map(view), unevaluated: [], next_start_after: page.length === 2 ? page[1] : null };
      }
      if (contract === LENS && k === 'account') {
        const a = accounts[m.account as string];
        return { account: m.account, cash: a.cash.toString(), claim: '0', positions: Array.from({ length: a.positions }, (_, i) => ({ series_id: i + 1, quantity: -1, mark_value: '0' })) };
      }
      if (contract === LENS && k === 'margin') {
        const v = view(m.account as string);
        return { ...v, liquidatable: accounts[m.account as string].equity < accounts[m.account as string].mm };
      }
      if (contract === CONTROLLER && k === 'seizes') {
        return { seizes: (seizes[m.account as string] ?? []).map((s) => ({ ...s, account: m.account })) };
      }
      if (contract === LENS && k === 'risk_params') return { liquidation_bonus: '0.05' };
      if (contract === LENS && k === 'config') return { quote_decimals: 6, quote_denom: 'uusdc' };
      if (contract === LENS && k === 'authorized_owners') {
        // Every position's owner is the account itself, except `wasm1mallory`'s on alice.
        const own = (collateral[m.account as string] ?? []).filter((p) => !p.owner).map((p) => [p.source_id, m.account]);
        return { account: m.account, owners: own };
      }
      if (contract === LENS && k === 'account_collateral') {
        return { account: m.account, positions: (collateral[m.account as string] ?? []).map((p) => ({ ...p, owner: p.owner ?? m.account, reported: p.usable, reserved: '0', seq: 1 })) };
      }
      if (contract === LENS && k === 'collateral_assets') {
        const a = m.source_id === 'source-a' ? { native: 'uatom' } : { native: 'uosmo' };
        return { assets: [{ source_id: m.source_id, asset: a, decimals: 6, enabled: true, symbol: m.source_id === 'source-a' ? 'ATOM' : 'OSMO' }] };
      }
      if (contract === LENS && k === 'price') return { symbol: m.symbol, price: m.symbol === 'ATOM' ? '5' : '1', publish_time: 1, age_seconds: 0, fresh: true };
      return undefined;
    },
    (contract, msg) => {
      const k = key(msg);
      const m = (msg as Record<string, Record<string, unknown>>)[k];
      if (contract === ENGINE && k === 'refresh_pool_risk') {
        stale = null;
        return { finished: 'true' };
      }
      if (contract === ENGINE && k === 'liquidate') {
        // The crash's liquidation: positions closed, the account left 120 USDC in debt.
        accounts.wasm1alice = { cash: -120n * U, equity: -30n * U, mm: 0n, positions: 0 };
        return { liquidation_id: '1', penalties: '2000000', reward: '1000000', cash: '-120000000' };
      }
      if (contract === CONTROLLER && k === 'seize') {
        if (m.source_id === refuseSource) return new Error(`source ${refuseSource} has no open seize channel`);
        const id = nextSeize++;
        (seizes[m.account as string] ??= []).push({ seize_id: id, status: 'in_flight' });
        return { seize_id: String(id) };
      }
      if (contract === CONTROLLER && k === 'retry_engine_call') {
        const i = failedCalls.findIndex((c) => c.seize_id === m.seize_id && c.call === m.call);
        if (failedCalls[i].error === 'still refused') return new Error('the engine refused the repayment again');
        failedCalls.splice(i, 1);
        return {};
      }
      if (contract === CONTROLLER && k === 'claim_refund') {
        refund = '0';
        return {};
      }
      return new Error(`unexpected ${k}`);
    },
  );
  return { chain, seizes, setRefund: (r: string) => (refund = r) };
}

const ctx = (chain: FakeChain, log = memoryLogger()) => ({
  chain, engine: ENGINE, lens: LENS, controller: CONTROLLER, log,
  cfg: { page_limit: 2, max_repay_per_seize: '50000000', refresh_pool_risk: ['ATOM'] },
});

test('keeper round: refresh, liquidate, seize with escrow, skip a seize in flight, retry a failed one', async () => {
  const { chain } = world();
  const log = memoryLogger();
  const summary = await keeperRound(ctx(chain, log));
  assert.deepEqual(chain.sent, [
    { contract: ENGINE, msg: { refresh_pool_risk: { underlying: 'ATOM' } }, funds: [] },
    { contract: ENGINE, msg: { liquidate: { account: 'wasm1alice' } }, funds: [] },
    {
      contract: CONTROLLER,
      // 50 USDC (max_repay_per_seize) of the 120 owed; ATOM and OSMO both cover it, the first wins.
      msg: { seize: { account: 'wasm1alice', source_id: 'source-a', owner: 'wasm1alice', asset: { native: 'uatom' }, recipient: { local: { address: 'wasm1keeper' } } } },
      funds: [{ denom: 'uusdc', amount: '50000000' }],
    },
    {
      contract: CONTROLLER,
      // carol's seize 9 timed out (refunded): seize again, as much as her 3 OSMO cover.
      msg: { seize: { account: 'wasm1carol', source_id: 'source-b', owner: 'wasm1carol', asset: { native: 'uosmo' }, recipient: { local: { address: 'wasm1keeper' } } } },
      funds: [{ denom: 'uusdc', amount: '2857142' }],
    },
  ]);
  assert.deepEqual(summary, { liquidated: ['wasm1alice'], seizes: [10, 11], skipped_in_flight: ['wasm1bob'], failed: 0 });
  const seizeLogs = log.entries.filter((e) => e.action === 'seize');
  assert.deepEqual(
    seizeLogs.map((e) => [e.account, e.outcome, e.repay, e.amount, e.seize_id, e.retry_of, e.tx]),
    [
      ['wasm1alice', 'sent', '50000000', '10500000', 10, undefined, 'TX3'],
      ['wasm1bob', 'skipped', undefined, undefined, undefined, undefined, undefined],
      ['wasm1carol', 'sent', '2857142', '2999999', 11, 9, 'TX4'],
      ['wasm1dave', 'skipped', undefined, undefined, undefined, undefined, undefined],
    ],
  );
  const liq = log.entries.find((e) => e.action === 'liquidate');
  assert.deepEqual([liq?.liquidation_id, liq?.penalties, liq?.reward, liq?.tx, liq?.outcome], [1, '2000000', '1000000', 'TX2', 'ok']);
});

test('keeper restarted: seizes in flight are read from the chain, nothing is sent twice; a timed-out one is retried', async () => {
  const w = world();
  await keeperRound(ctx(w.chain));
  const before = w.chain.sent.length;
  // A new keeper (no memory): alice's and carol's seizes are in flight at the controller.
  const log = memoryLogger();
  const again = await keeperRound(ctx(w.chain, log));
  assert.equal(w.chain.sent.length, before, 'nothing sent while the seizes are in flight');
  assert.deepEqual(again.skipped_in_flight, ['wasm1alice', 'wasm1bob', 'wasm1carol']);
  // Alice's seize times out (the controller refunded the escrow): the next round seizes again.
  w.seizes.wasm1alice.find((s) => s.seize_id === 10)!.status = { failed: { reason: 'packet timed out' } };
  const log3 = memoryLogger();
  const third = await keeperRound(ctx(w.chain, log3));
  assert.deepEqual(third.seizes, [12]);
  assert.deepEqual(w.chain.sent.slice(before), [
    {
      contract: CONTROLLER,
      msg: { seize: { account: 'wasm1alice', source_id: 'source-a', owner: 'wasm1alice', asset: { native: 'uatom' }, recipient: { local: { address: 'wasm1keeper' } } } },
      funds: [{ denom: 'uusdc', amount: '50000000' }],
    },
  ]);
  const retry = log3.entries.find((e) => e.action === 'seize' && e.outcome === 'sent');
  assert.deepEqual([retry?.retry_of, retry?.previous_failure], [10, 'packet timed out']);
});

test('keeper claims a refund the controller could not send, and uses configured recipients', async () => {
  const w = world();
  w.setRefund('7000000');
  const log = memoryLogger();
  const c = ctx(w.chain, log);
  const recipient = { ics20: { channel: 'channel-1', receiver: 'wasm1keeper', memo: '' } };
  await keeperRound({ ...c, cfg: { ...c.cfg, refresh_pool_risk: [], recipients: { 'source-a': recipient } } });
  assert.deepEqual(w.chain.sent[0], { contract: CONTROLLER, msg: { claim_refund: {} }, funds: [] });
  assert.deepEqual(log.entries[0], { bot: 'keeper', action: 'claim_refund', amount: '7000000', tx: 'TX1', outcome: 'ok' });
  const seize = w.chain.sent.find((s) => key(s.msg) === 'seize' && (s.msg.seize as { account: string }).account === 'wasm1alice');
  assert.deepEqual((seize?.msg.seize as { recipient: unknown }).recipient, recipient);
});

test('a failed transaction is logged and the round goes on', async () => {
  const w = world();
  const chain = new FakeChain(
    (c, m) => w.chain.onQuery(c, m),
    (_c, msg) => (key(msg) === 'liquidate' ? new Error('account is not liquidatable') : key(msg) === 'seize' ? { seize_id: '5' } : { finished: 'true' }),
  );
  const log = memoryLogger();
  const s = await keeperRound(ctx(chain, log));
  assert.equal(s.failed, 1);
  assert.deepEqual(log.entries.find((e) => e.action === 'liquidate'), { bot: 'keeper', action: 'liquidate', account: 'wasm1alice', outcome: 'failed', error: 'account is not liquidatable' });
  // bob is still skipped (in flight), carol still retried.
  assert.deepEqual(s.seizes, [5]);
});

test('keeper: a seize the controller refuses gives way to the next candidate in the same round', async () => {
  const { chain } = world('source-a');
  const log = memoryLogger();
  const summary = await keeperRound(ctx(chain, log));
  const seizes = chain.sent.filter((s) => s.contract === CONTROLLER && 'seize' in s.msg && (s.msg.seize as { account: string }).account === 'wasm1alice');
  // ATOM on source-a first (refused), then OSMO on source-b for the same 50 USDC.
  assert.deepEqual(seizes.map((s) => (s.msg.seize as { source_id: string }).source_id), ['source-a', 'source-b']);
  assert.deepEqual(seizes.map((s) => s.funds), [[{ denom: 'uusdc', amount: '50000000' }], [{ denom: 'uusdc', amount: '50000000' }]]);
  assert.ok(summary.seizes.length >= 1);
  const failed = log.entries.find((e) => e.action === 'seize' && e.outcome === 'failed' && e.account === 'wasm1alice');
  assert.equal(failed?.source_id, 'source-a');
});

test('keeper: engine calls that failed when a seize settled are replayed; one refused again stays for the next round', async () => {
  const calls = [
    { seize_id: 4, call: 'repay_debt', funds: '100000000', error: 'denylisted', failed_at: 1 },
    { seize_id: 5, call: 'release_reservation', funds: '0', error: 'still refused', failed_at: 2 },
  ];
  const { chain } = world(undefined, calls);
  const log = memoryLogger();
  await keeperRound(ctx(chain, log));
  const retries = chain.sent.filter((s) => 'retry_engine_call' in s.msg).map((s) => s.msg);
  assert.deepEqual(retries, [
    { retry_engine_call: { seize_id: 4, call: 'repay_debt' } },
    { retry_engine_call: { seize_id: 5, call: 'release_reservation' } },
  ]);
  assert.deepEqual(calls.map((c) => c.seize_id), [5], 'the replayed call is gone, the refused one stays');
  const failed = log.entries.find((e) => e.action === 'retry_engine_call' && e.outcome === 'failed');
  assert.equal(failed?.seize_id, 5);
});
