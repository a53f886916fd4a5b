// The feeder: reads prices and vols from a PriceSource and pushes what changed to the engine
// (`PushPrices`, `PushVols`: the feeder role). The engine takes a point only if its
// publish_time is newer than the stored one and not in the future of the chain; the feeder
// reads the stored points each round and sends only points it will take, so it is stateless
// and a restart re-pushes nothing.

import type { OptionsEngineTypes, OptionsLensTypes } from '@isthmus/sdk';
import type { ChainLike } from './chain';
import type { FeederConfig } from './config';
import { sameDecimal } from './decimal';
import type { Logger } from './log';
import { errorText } from './log';
import type { PriceSource, Snapshot } from './sources';

const BOT = 'feeder';
const MAX_PER_PUSH = 32; // the engine's limit per message

export interface Stored {
  price: string;
  publish_time: number;
}

export type Decision<T> = { push: T } | { skip: string };

/** Whether to push a point, and with which publish_time. With its own publish_time `t`: pushed
 * if newer than the stored one and not after the chain's `now` (else it waits). Without one:
 * stamped `now`, pushed if the value changed, or if the stored one is `republishAfter` old. */
export function decidePoint(
  value: string,
  publishTime: number | undefined,
  stored: Stored | undefined,
  now: number,
  republishAfter: number,
): Decision<number> {
  if (publishTime !== undefined) {
    if (stored && publishTime <= stored.publish_time) return { skip: `not newer than the stored point (${stored.publish_time})` };
    if (publishTime > now) return { skip: `publish_time ${publishTime} is after the chain's time ${now}` };
    return { push: publishTime };
  }
  if (!stored) return { push: now };
  if (now <= stored.publish_time) return { skip: `the stored point is as recent as the chain's time (${stored.publish_time})` };
  if (sameDecimal(value, stored.price) && now - stored.publish_time < republishAfter) return { skip: 'unchanged' };
  return { push: now };
}

export interface FeedPlan {
  prices: OptionsEngineTypes.PriceInput[];
  vols: OptionsEngineTypes.VolInput[];
  skipped: { kind: 'price' | 'vol'; key: string; reason: string }[];
}

/** The pushes for a snapshot, given the stored points (`prices` by symbol, `vols` by
 * `underlying:expiry`). */
export function planFeed(
  snap: Snapshot,
  prices: Map<string, Stored>,
  vols: Map<string, Stored>,
  now: number,
  republishAfter: number,
): FeedPlan {
  const plan: FeedPlan = { prices: [], vols: [], skipped: [] };
  for (const p of snap.prices) {
    const d = decidePoint(p.price, p.publish_time, prices.get(p.symbol), now, republishAfter);
    if ('push' in d) plan.prices.push({ symbol: p.symbol, price: p.price, publish_time: d.push });
    else plan.skipped.push({ kind: 'price', key: p.symbol, reason: d.skip });
  }
  for (const v of snap.vols) {
    const key = `${v.underlying}:${v.expiry}`;
    const d = decidePoint(v.vol, v.publish_time, vols.get(key), now, republishAfter);
    if ('push' in d) plan.vols.push({ underlying: v.underlying, expiry: v.expiry, vol: v.vol, publish_time: d.push });
    else plan.skipped.push({ kind: 'vol', key, reason: d.skip });
  }
  return plan;
}

export function chunks<T>(items: T[], size = MAX_PER_PUSH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface FeederContext {
  chain: ChainLike;
  engine: string;
  lens: string;
  source: PriceSource;
  cfg: FeederConfig;
  log: Logger;
}

export async function feederRound(
  ctx: FeederContext,
): Promise<{ pulled: number; prices: number; vols: number; skipped: number; failed: number }> {
  const { chain, engine, lens, source, cfg, log } = ctx;
  const out = { pulled: 0, prices: 0, vols: 0, skipped: 0, failed: 0 };
  // Oracle symbols first, whatever the push source says: each pull is its own transaction.
  for (const symbol of cfg.pull ?? []) {
    try {
      const tx = await chain.execute(engine, { pull_prices: { symbols: [symbol] } });
      out.pulled++;
      log({ bot: BOT, action: 'pull_prices', symbol, tx: tx.txHash, outcome: 'ok' });
    } catch (e) {
      out.failed++;
      log({ bot: BOT, action: 'pull_prices', symbol, outcome: 'failed', error: errorText(e) });
    }
  }
  let snap: Snapshot;
  try {
    snap = await source.read();
  } catch (e) {
    out.failed++;
    log({ bot: BOT, action: 'read_source', source: source.name, outcome: 'failed', error: errorText(e) });
    return out;
  }
  const now = await chain.blockTime();
  const prices = new Map<string, Stored>();
  const oracleSourced = new Set<string>();
  for (const p of snap.prices) {
    try {
      const r = await chain.query<OptionsLensTypes.PriceResponse>(lens, { price: { symbol: p.symbol } });
      prices.set(p.symbol, { price: r.price, publish_time: r.publish_time });
      // The engine refuses a whole push that carries a symbol priced by an oracle.
      if (r.source !== undefined && r.source !== 'push') oracleSourced.add(p.symbol);
    } catch {
      // no price stored yet (or an unknown symbol: the push will say so)
    }
  }
  for (const symbol of oracleSourced) {
    log({ bot: BOT, action: 'push_price', key: symbol, outcome: 'skipped', reason: 'priced by an oracle: pulled, not pushed' });
    out.skipped++;
  }
  snap = { ...snap, prices: snap.prices.filter((p) => !oracleSourced.has(p.symbol)) };
  const vols = new Map<string, Stored>();
  for (const v of snap.vols) {
    try {
      const r = await chain.query<OptionsLensTypes.VolResponse>(lens, { vol: { underlying: v.underlying, expiry: v.expiry } });
      vols.set(`${v.underlying}:${v.expiry}`, { price: r.vol, publish_time: r.publish_time });
    } catch {
      // none stored yet
    }
  }
  const plan = planFeed(snap, prices, vols, now, cfg.republish_after_seconds ?? 600);
  for (const s of plan.skipped) log({ bot: BOT, action: `push_${s.kind}`, key: s.key, outcome: 'skipped', reason: s.reason });
  out.skipped += plan.skipped.length;
  for (const batch of chunks(plan.prices)) {
    try {
      const tx = await chain.execute(engine, { push_prices: { prices: batch } });
      out.prices += batch.length;
      log({ bot: BOT, action: 'push_prices', source: source.name, prices: batch, tx: tx.txHash, outcome: 'ok' });
    } catch (e) {
      out.failed++;
      log({ bot: BOT, action: 'push_prices', source: source.name, prices: batch, outcome: 'failed', error: errorText(e) });
    }
  }
  for (const batch of chunks(plan.vols)) {
    try {
      const tx = await chain.execute(engine, { push_vols: { vols: batch } });
      out.vols += batch.length;
      log({ bot: BOT, action: 'push_vols', source: source.name, vols: batch, tx: tx.txHash, outcome: 'ok' });
    } catch (e) {
      out.failed++;
      log({ bot: BOT, action: 'push_vols', source: source.name, vols: batch, outcome: 'failed', error: errorText(e) });
    }
  }
  return out;
}
