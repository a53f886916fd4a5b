// The keeper: liquidates accounts below maintenance margin, seizes collateral of accounts left
// in debt (the repayment escrowed at the controller), retries a seize that failed or timed out
// (its escrow came back), claims refunds the controller could not send, and refreshes a stale
// pool-risk snapshot so that liquidations and trades are not held up.
//
// Every round re-reads everything from the chain: what is in flight is the controller's seize
// records, never the keeper's memory, so a restarted keeper carries on where it stopped.
// The decisions are pure functions (exported, unit-tested); `keeperRound` does the I/O.

import type { LiquidationControllerTypes, OptionsLensTypes } from '@isthmus/sdk';
import type { ChainLike } from './chain';
import { wasmAttr } from './chain';
import type { KeeperConfig } from './config';
import { decimalAtomics } from './decimal';
import type { Logger } from './log';
import { errorText } from './log';

type AssetInfo = OptionsLensTypes.AssetInfo;
type SeizeRecipient = LiquidationControllerTypes.SeizeRecipient;
type SeizeResponse = LiquidationControllerTypes.SeizeResponse;
type LiquidatableAccount = OptionsLensTypes.LiquidatableAccount;

const BOT = 'keeper';
const ONE = 10n ** 18n;

// ---- pure decisions ------------------------------------------------------------------------

/** Below maintenance margin: `equity < maintenance_margin` (the engine's rule). */
export function belowMaintenance(a: Pick<LiquidatableAccount, 'equity' | 'maintenance_margin'>): boolean {
  return BigInt(a.equity) < BigInt(a.maintenance_margin);
}

export type AccountAction = 'liquidate' | 'seize' | 'none';

/** What an account of the `Liquidatable` page needs first: positions to close (liquidate), or,
 * with none left and still in debt, collateral to seize. A seize is only allowed while the
 * account is below maintenance (the engine refuses otherwise). */
export function accountAction(a: LiquidatableAccount, positions: number): AccountAction {
  if (!belowMaintenance(a)) return 'none';
  if (positions > 0) return 'liquidate';
  return BigInt(a.cash) < 0n ? 'seize' : 'none';
}

export function assetKey(a: AssetInfo): string {
  return 'native' in a ? `native:${a.native}` : `cw20:${a.cw20}`;
}

/** The seize records of one account: which are in flight, and the last one if it failed (then
 * its escrow was refunded and a new seize is a retry). */
export function seizeHistory(records: SeizeResponse[]): { inFlight: number[]; lastFailed?: { seize_id: number; reason: string } } {
  const sorted = [...records].sort((a, b) => a.seize_id - b.seize_id);
  const inFlight = sorted.filter((r) => r.status === 'in_flight').map((r) => r.seize_id);
  const last = sorted[sorted.length - 1];
  const lastFailed =
    last && typeof last.status === 'object' && 'failed' in last.status ? { seize_id: last.seize_id, reason: last.status.failed.reason } : undefined;
  return { inFlight, lastFailed };
}

/** Collateral seized for `repay` quote base units, as the engine's `SeizeQuote` computes it:
 * floor(repay x (1 + bonus) x 10^decimals / (price x 10^quote_decimals)). */
export function seizeAmount(repay: bigint, price: string, bonus: string, decimals: number, quoteDecimals: number): bigint {
  const num = repay * (ONE + decimalAtomics(bonus)) * 10n ** BigInt(decimals);
  const den = decimalAtomics(price) * 10n ** BigInt(quoteDecimals);
  return num / den;
}

/** The largest repayment whose seized amount fits in `usable` (the inverse of seizeAmount). */
export function maxRepayFor(usable: bigint, price: string, bonus: string, decimals: number, quoteDecimals: number): bigint {
  const num = usable * decimalAtomics(price) * 10n ** BigInt(quoteDecimals);
  const den = (ONE + decimalAtomics(bonus)) * 10n ** BigInt(decimals);
  return num / den;
}

export interface Candidate {
  source_id: string;
  owner: string;
  asset: AssetInfo;
  usable: bigint;
  /** The collateral's price (quote per whole unit) and decimals. */
  price: string;
  decimals: number;
}

export interface SeizePlan {
  source_id: string;
  owner: string;
  asset: AssetInfo;
  repay: bigint;
  amount: bigint;
}

/** Which collateral position to seize and for how much: the one that repays the most of
 * `debt` (capped at `maxRepay`), earlier candidates winning ties; null if none repays anything. */
export function planSeize(
  debt: bigint,
  candidates: Candidate[],
  bonus: string,
  quoteDecimals: number,
  maxRepay?: bigint,
): SeizePlan | null {
  let best: SeizePlan | null = null;
  for (const c of candidates) {
    if (c.usable <= 0n) continue;
    let repay = maxRepayFor(c.usable, c.price, bonus, c.decimals, quoteDecimals);
    if (repay > debt) repay = debt;
    if (maxRepay !== undefined && repay > maxRepay) repay = maxRepay;
    if (repay <= 0n) continue;
    const amount = seizeAmount(repay, c.price, bonus, c.decimals, quoteDecimals);
    if (amount === 0n) continue;
    if (!best || repay > best.repay) best = { source_id: c.source_id, owner: c.owner, asset: c.asset, repay, amount };
  }
  return best;
}

// ---- the round ----------------------------------------------------------------------------

export interface KeeperContext {
  chain: ChainLike;
  engine: string;
  lens: string;
  controller: string;
  cfg: KeeperConfig;
  log: Logger;
}

export interface KeeperSummary {
  liquidated: string[];
  seizes: number[];
  skipped_in_flight: string[];
  failed: number;
}

async function pageAll<T, C>(fetch: (after: C | undefined) => Promise<{ items: T[]; next?: C }>): Promise<T[]> {
  const out: T[] = [];
  let after: C | undefined;
  for (let i = 0; i < 1000; i++) {
    const { items, next } = await fetch(after);
    out.push(...items);
    if (next === undefined || items.length === 0) break;
    after = next;
  }
  return out;
}

export async function keeperRound(ctx: KeeperContext): Promise<KeeperSummary> {
  const { chain, lens, engine, controller, cfg, log } = ctx;
  const summary: KeeperSummary = { liquidated: [], seizes: [], skipped_in_flight: [], failed: 0 };
  const limit = cfg.page_limit ?? 30;

  // 1. A stale pool-risk snapshot holds up new risk: refresh it (page by page).
  for (const underlying of cfg.refresh_pool_risk ?? []) {
    const risk = await chain.query<OptionsLensTypes.PoolRiskResponse>(lens, { pool_risk: { underlying } });
    if (!risk.stale) continue;
    for (let i = 0; i < 20; i++) {
      try {
        const tx = await chain.execute(engine, { refresh_pool_risk: { underlying } });
        const finished = wasmAttr(tx, engine, 'finished') === 'true';
        log({ bot: BOT, action: 'refresh_pool_risk', underlying, stale: risk.stale, finished, tx: tx.txHash, outcome: 'ok' });
        if (finished) break;
      } catch (e) {
        summary.failed++;
        log({ bot: BOT, action: 'refresh_pool_risk', underlying, outcome: 'failed', error: errorText(e) });
        break;
      }
    }
  }

  // 2. Refunds the controller could not send.
  const refund = await chain.query<LiquidationControllerTypes.RefundResponse>(controller, { refund: { keeper: chain.address } });
  if (BigInt(refund.amount) > 0n) {
    try {
      const tx = await chain.execute(controller, { claim_refund: {} });
      log({ bot: BOT, action: 'claim_refund', amount: refund.amount, tx: tx.txHash, outcome: 'ok' });
    } catch (e) {
      summary.failed++;
      log({ bot: BOT, action: 'claim_refund', amount: refund.amount, outcome: 'failed', error: errorText(e) });
    }
  }

  // 2b. Engine calls that failed when a seize was resolved (a repayment, a reservation to consume
  // or release): anyone may replay them, and until a repayment is replayed the account's debt
  // stands (and counts as repaid in flight at the controller). One page a round; a replay
  // that fails again stays recorded for the next round.
  const failedCalls = await chain.query<LiquidationControllerTypes.FailedEngineCallsResponse>(controller, {
    failed_engine_calls: { start_after: null, limit: 30 },
  });
  for (const c of failedCalls.calls) {
    const base = { bot: BOT, action: 'retry_engine_call', seize_id: c.seize_id, call: c.call, funds: c.funds, previous_error: c.error };
    try {
      const tx = await chain.execute(controller, { retry_engine_call: { seize_id: c.seize_id, call: c.call } });
      log({ ...base, tx: tx.txHash, outcome: 'ok' });
    } catch (e) {
      summary.failed++;
      log({ ...base, outcome: 'failed', error: errorText(e) });
    }
  }

  // 3. The accounts below maintenance or in debt, every page.
  const accounts = await pageAll<LiquidatableAccount, string>(async (after) => {
    const r = await chain.query<OptionsLensTypes.LiquidatableResponse>(lens, { liquidatable: { start_after: after ?? null, limit } });
    for (const u of r.unevaluated) log({ bot: BOT, action: 'unevaluated', account: u, outcome: 'skipped' });
    return { items: r.accounts, next: r.next_start_after ?? undefined };
  });
  if (accounts.length === 0) return summary;

  let market: { bonus: string; quoteDecimals: number; quoteDenom: string } | undefined;
  const listings = new Map<string, OptionsLensTypes.CollateralAssetResponse[]>();
  const prices = new Map<string, string>();

  for (let entry of accounts) {
    const id = entry.account;
    let view = await chain.query<OptionsLensTypes.AccountResponse>(lens, { account: { account: id } });
    let action = accountAction(entry, view.positions.length);
    if (action === 'liquidate') {
      try {
        const tx = await chain.execute(engine, { liquidate: { account: id } });
        summary.liquidated.push(id);
        log({
          bot: BOT, action: 'liquidate', account: id, equity: entry.equity, maintenance_margin: entry.maintenance_margin,
          positions: view.positions.length, liquidation_id: Number(wasmAttr(tx, engine, 'liquidation_id')),
          penalties: wasmAttr(tx, engine, 'penalties'), reward: wasmAttr(tx, engine, 'reward'),
          cash: wasmAttr(tx, engine, 'cash'), tx: tx.txHash, outcome: 'ok',
        });
      } catch (e) {
        const error = errorText(e);
        // Positions the lens still lists may all be expired and settle on the engine's first
        // touch: then nothing is left to close, and the debt is recovered by a seize.
        if (!error.includes('has no positions to close')) {
          summary.failed++;
          log({ bot: BOT, action: 'liquidate', account: id, outcome: 'failed', error });
          continue;
        }
        log({ bot: BOT, action: 'liquidate', account: id, outcome: 'skipped', reason: 'its positions settled: nothing to close' });
      }
      // The account as the liquidation (or the settlement) left it.
      const m = await chain.query<OptionsLensTypes.MarginResponse>(lens, { margin: { account: id } });
      entry = { account: id, cash: m.cash, equity: m.equity, maintenance_margin: m.maintenance_margin };
      view = await chain.query<OptionsLensTypes.AccountResponse>(lens, { account: { account: id } });
      action = accountAction(entry, summary.liquidated.includes(id) ? view.positions.length : 0);
    }
    if (action !== 'seize') {
      if (BigInt(entry.cash) < 0n && action === 'none')
        log({ bot: BOT, action: 'seize', account: id, debt: (-BigInt(entry.cash)).toString(), outcome: 'skipped', reason: 'not below maintenance: the engine refuses a seize' });
      continue;
    }
    const debt = -BigInt(entry.cash);

    // A seize in flight: its ack decides; wait for it (read from the controller, not memory).
    const records = await pageAll<SeizeResponse, number>(async (after) => {
      const r = await chain.query<LiquidationControllerTypes.SeizesResponse>(controller, { seizes: { account: id, start_after: after ?? null, limit: 30 } });
      return { items: r.seizes, next: r.seizes.length === 30 ? r.seizes[r.seizes.length - 1].seize_id : undefined };
    });
    const history = seizeHistory(records);
    if (history.inFlight.length > 0) {
      summary.skipped_in_flight.push(id);
      log({ bot: BOT, action: 'seize', account: id, debt: debt.toString(), in_flight: history.inFlight, outcome: 'skipped', reason: 'a seize is in flight' });
      continue;
    }

    if (!market) {
      const risk = await chain.query<OptionsLensTypes.RiskParams>(lens, { risk_params: {} });
      const config = await chain.query<OptionsLensTypes.ConfigResponse>(lens, { config: {} });
      market = { bonus: risk.liquidation_bonus, quoteDecimals: config.quote_decimals, quoteDenom: config.quote_denom };
    }
    const positions = await pageAll<OptionsLensTypes.RemotePositionResponse, [string, string, AssetInfo]>(async (after) => {
      const r = await chain.query<OptionsLensTypes.AccountCollateralResponse>(lens, { account_collateral: { account: id, start_after: after ?? null, limit: 30 } });
      const last = r.positions[r.positions.length - 1];
      return { items: r.positions, next: r.positions.length === 30 ? [last.source_id, last.owner, last.asset] : undefined };
    });
    // Only collateral the account counts can be seized for its debt (the engine refuses the
    // rest): the owners it authorized.
    const authorized = await chain.query<OptionsLensTypes.AuthorizedOwnersResponse>(lens, { authorized_owners: { account: id } });
    const counted = new Set(authorized.owners.map(([source, owner]) => `${source}/${owner}`));
    const candidates: Candidate[] = [];
    for (const p of positions) {
      if (BigInt(p.usable) <= 0n) continue;
      if (!counted.has(`${p.source_id}/${p.owner}`)) continue;
      if (cfg.sources && !cfg.sources.includes(p.source_id)) continue;
      if (!listings.has(p.source_id)) {
        const r = await chain.query<OptionsLensTypes.CollateralAssetsResponse>(lens, { collateral_assets: { source_id: p.source_id, limit: 30 } });
        listings.set(p.source_id, r.assets);
      }
      const listing = listings.get(p.source_id)!.find((l) => assetKey(l.asset) === assetKey(p.asset) && l.enabled);
      if (!listing) continue;
      if (!prices.has(listing.symbol)) {
        try {
          prices.set(listing.symbol, (await chain.query<OptionsLensTypes.PriceResponse>(lens, { price: { symbol: listing.symbol } })).price);
        } catch {
          continue; // no price: not seizable now
        }
      }
      candidates.push({ source_id: p.source_id, owner: p.owner, asset: p.asset, usable: BigInt(p.usable), price: prices.get(listing.symbol)!, decimals: listing.decimals });
    }
    const maxRepay = cfg.max_repay_per_seize !== undefined ? BigInt(cfg.max_repay_per_seize) : undefined;
    // The best candidate first; one the controller refuses (a stale price, a source without a
    // channel, its in-flight limit) gives way to the next, within the round.
    let remaining = candidates;
    for (let attempt = 0; ; attempt++) {
      const plan = planSeize(debt, remaining, market.bonus, market.quoteDecimals, maxRepay);
      if (!plan) {
        if (attempt === 0) log({ bot: BOT, action: 'seize', account: id, debt: debt.toString(), outcome: 'skipped', reason: 'no usable collateral' });
        break;
      }
      const recipient: SeizeRecipient = cfg.recipients?.[plan.source_id] ?? { local: { address: chain.address } };
      const msg = { seize: { account: id, source_id: plan.source_id, owner: plan.owner, asset: plan.asset, recipient } };
      const base = {
        bot: BOT, action: 'seize', account: id, debt: debt.toString(), source_id: plan.source_id, owner: plan.owner,
        asset: plan.asset, repay: plan.repay.toString(), amount: plan.amount.toString(), recipient,
        ...(history.lastFailed ? { retry_of: history.lastFailed.seize_id, previous_failure: history.lastFailed.reason } : {}),
      };
      try {
        const tx = await chain.execute(controller, msg, [{ denom: market.quoteDenom, amount: plan.repay.toString() }]);
        const seizeId = Number(wasmAttr(tx, controller, 'seize_id'));
        summary.seizes.push(seizeId);
        log({ ...base, seize_id: seizeId, tx: tx.txHash, outcome: 'sent' });
        break;
      } catch (e) {
        summary.failed++;
        log({ ...base, outcome: 'failed', error: errorText(e) });
        remaining = remaining.filter((c) => !(c.source_id === plan.source_id && c.owner === plan.owner && assetKey(c.asset) === assetKey(plan.asset)));
      }
    }
  }
  return summary;
}
