// Multi-leg trades: preview with the lens's `SimulateTrade` (which runs every check the signed
// trade runs, so its refusal is the trade's), then sign with a cost limit a little above the
// preview, so that a price move between the two cannot cost more than the trader accepted.

import type { StdFee } from '@cosmjs/amino';
import type { ExecuteResult } from '@cosmjs/cosmwasm-stargate';

import { mulCeil, toBigInt } from './amounts';
import type { OptionsEngineClient } from './contracts/OptionsEngine.client';
import type { TradeLeg } from './contracts/OptionsEngine.types';
import type { OptionsLensQueryClient } from './contracts/OptionsLens.client';
import type { SimulateTradeResponse } from './contracts/OptionsLens.types';

/** At most 16 legs, each a non-zero quantity (positive buys, negative sells) of one series. */
export const MAX_LEGS = 16;

export interface TradePlan {
  legs: TradeLeg[];
  /** The `max_cost` to sign: the preview's total cost plus the slippage allowance. */
  maxCost: string;
  preview: SimulateTradeResponse;
}

/** The preview refused the trade: `refusal` is the exact error the signed trade would return. */
export class TradeRefused extends Error {
  constructor(
    readonly refusal: string,
    readonly preview: SimulateTradeResponse,
  ) {
    super(`the trade would be refused: ${refusal}`);
    this.name = 'TradeRefused';
  }
}

/**
 * The cost limit for a previewed `totalCost` (quote base units; negative: the trader receives)
 * with `slippageBps` basis points of its size allowed on top, rounded up: the trader accepts
 * paying at most that, or receiving at least its negative.
 */
export function maxCostWithSlippage(totalCost: string, slippageBps: number): string {
  if (!Number.isInteger(slippageBps) || slippageBps < 0 || slippageBps > 10_000) {
    throw new Error(`slippage must be a whole number of basis points in [0, 10000], got ${slippageBps}`);
  }
  const cost = toBigInt(totalCost);
  const size = cost < 0n ? -cost : cost;
  return (cost + mulCeil(size, BigInt(slippageBps), 10_000n)).toString();
}

export function checkLegs(legs: TradeLeg[]): void {
  if (legs.length === 0 || legs.length > MAX_LEGS) {
    throw new Error(`a trade has 1 to ${MAX_LEGS} legs, got ${legs.length}`);
  }
  const seen = new Set<number>();
  for (const leg of legs) {
    if (!Number.isSafeInteger(leg.quantity) || leg.quantity === 0) {
      throw new Error(`leg on series ${leg.series_id} needs a non-zero whole quantity`);
    }
    if (seen.has(leg.series_id)) {
      throw new Error(`series ${leg.series_id} appears in two legs`);
    }
    seen.add(leg.series_id);
  }
}

/** Preview `legs` for `account`; throws [`TradeRefused`] with the trade's own refusal. */
export async function planTrade(
  lens: OptionsLensQueryClient,
  account: string,
  legs: TradeLeg[],
  slippageBps: number,
): Promise<TradePlan> {
  checkLegs(legs);
  const preview = await lens.simulateTrade({ account, legs });
  if (!preview.accepted) {
    throw new TradeRefused(preview.refusal ?? 'refused', preview);
  }
  return { legs, maxCost: maxCostWithSlippage(preview.total_cost, slippageBps), preview };
}

/** Sign a planned trade. */
export async function executeTrade(
  engine: OptionsEngineClient,
  plan: TradePlan,
  fee: number | StdFee | 'auto' = 'auto',
  memo?: string,
): Promise<ExecuteResult> {
  return engine.trade({ legs: plan.legs, maxCost: plan.maxCost }, fee, memo);
}
