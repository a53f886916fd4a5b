// The settlement crank: settles the holders of every expired series, page by page, once the
// series has its settlement price (the first price pushed at or after its expiry, or the risk
// manager's fallback). Stateless: which series are due is read from the lens each round.

import type { OptionsLensTypes } from '@isthmus/sdk';
import type { ChainLike } from './chain';
import { wasmAttr } from './chain';
import type { SettlementConfig } from './config';
import type { Logger } from './log';
import { errorText } from './log';

type SeriesResponse = OptionsLensTypes.SeriesResponse;
const BOT = 'settlement';

export type SeriesState = 'live' | 'due' | 'waiting_for_price' | 'empty';

/** What a series needs: before its expiry nothing (live); after it, with positions open, a
 * settlement (due) once its settlement price is known, else a price (waiting_for_price); with
 * nothing open, nothing (empty) — though a series that had nothing open when its last holder
 * left (never traded, or closed before expiry) still counts as live at the engine until a
 * `SettleSeries` retires it (the lens shows it as `retired`; see `retire_empty_series`).
 * `now` is the chain's time, unix seconds. */
export function seriesState(s: SeriesResponse, now: number, hasSettlementPrice: boolean): SeriesState {
  if (now < s.params.expiry) return 'live';
  if (BigInt(s.open_long) === 0n && BigInt(s.open_short) === 0n) return 'empty';
  return hasSettlementPrice ? 'due' : 'waiting_for_price';
}

/** The series to crank now, in id order. `prices` maps `underlying:expiry` to whether it has a
 * settlement price. */
export function dueSeries(series: SeriesResponse[], now: number, prices: Map<string, boolean>): SeriesResponse[] {
  return series
    .filter((s) => seriesState(s, now, prices.get(`${s.params.underlying}:${s.params.expiry}`) ?? false) === 'due')
    .sort((a, b) => a.series_id - b.series_id);
}

export interface SettlementContext {
  chain: ChainLike;
  engine: string;
  lens: string;
  cfg: SettlementConfig;
  log: Logger;
  /** Empty series this process already sent a `SettleSeries` for (retire_empty_series). */
  retired?: Set<number>;
}

export interface SettlementSummary {
  calls: { series_id: number; accounts: number; settled_positions: number; retired: boolean }[];
  waiting: number[];
  failed: number;
}

export async function listSeries(chain: ChainLike, lens: string, underlying: string): Promise<SeriesResponse[]> {
  const out: SeriesResponse[] = [];
  let after: [number, number] | null = null;
  for (let i = 0; i < 1000; i++) {
    const r: OptionsLensTypes.SeriesListResponse = await chain.query(lens, { series_list: { underlying, start_after: after, limit: 30 } });
    out.push(...r.series);
    if (r.series.length < 30) break;
    const last = r.series[r.series.length - 1];
    after = [last.params.expiry, last.series_id];
  }
  return out;
}

export async function settlementRound(ctx: SettlementContext): Promise<SettlementSummary> {
  const { chain, engine, lens, cfg, log } = ctx;
  const limit = Math.min(cfg.limit ?? 30, 30);
  const summary: SettlementSummary = { calls: [], waiting: [], failed: 0 };
  const now = await chain.blockTime();
  for (const underlying of cfg.underlyings) {
    const series = await listSeries(chain, lens, underlying);
    const prices = new Map<string, boolean>();
    for (const s of series) {
      const key = `${s.params.underlying}:${s.params.expiry}`;
      if (now < s.params.expiry || prices.has(key)) continue;
      const p = await chain.query<OptionsLensTypes.SettlementPriceResponse>(lens, { settlement_price: { underlying: s.params.underlying, expiry: s.params.expiry } });
      prices.set(key, p.price !== null && p.price !== undefined);
    }
    for (const s of series) {
      if (seriesState(s, now, prices.get(`${s.params.underlying}:${s.params.expiry}`) ?? false) === 'waiting_for_price') {
        summary.waiting.push(s.series_id);
        log({ bot: BOT, action: 'settle_series', series_id: s.series_id, underlying, expiry: s.params.expiry, outcome: 'skipped', reason: 'no settlement price yet' });
      }
    }
    if (cfg.retire_empty_series) {
      const retired = ctx.retired ?? new Set<number>();
      const empty = series.filter(
        (s) =>
          !s.retired && !retired.has(s.series_id) && prices.get(`${s.params.underlying}:${s.params.expiry}`) === true && seriesState(s, now, true) === 'empty',
      );
      for (const s of empty.slice(0, cfg.max_retire_per_round ?? 10)) {
        try {
          const tx = await chain.execute(engine, { settle_series: { series_id: s.series_id, limit } });
          retired.add(s.series_id);
          const now_retired = wasmAttr(tx, engine, 'retired') === 'true';
          summary.calls.push({ series_id: s.series_id, accounts: 0, settled_positions: 0, retired: now_retired });
          log({ bot: BOT, action: 'retire_series', series_id: s.series_id, underlying, expiry: s.params.expiry, retired: now_retired, tx: tx.txHash, outcome: 'ok' });
        } catch (e) {
          summary.failed++;
          log({ bot: BOT, action: 'retire_series', series_id: s.series_id, outcome: 'failed', error: errorText(e) });
        }
      }
    }
    for (const s of dueSeries(series, now, prices)) {
      for (let call = 0; call < (cfg.max_calls_per_series ?? 10); call++) {
        try {
          const tx = await chain.execute(engine, { settle_series: { series_id: s.series_id, limit } });
          const accounts = Number(wasmAttr(tx, engine, 'accounts') ?? 0);
          const settled = Number(wasmAttr(tx, engine, 'settled_positions') ?? 0);
          const retired = wasmAttr(tx, engine, 'retired') === 'true';
          summary.calls.push({ series_id: s.series_id, accounts, settled_positions: settled, retired });
          log({
            bot: BOT, action: 'settle_series', series_id: s.series_id, underlying, expiry: s.params.expiry, accounts,
            settled_positions: settled, claims_paid: wasmAttr(tx, engine, 'claims_paid'), retired, tx: tx.txHash, outcome: 'ok',
          });
          if (accounts < limit) break; // the last page of holders
        } catch (e) {
          summary.failed++;
          log({ bot: BOT, action: 'settle_series', series_id: s.series_id, outcome: 'failed', error: errorText(e) });
          break;
        }
      }
    }
  }
  return summary;
}
