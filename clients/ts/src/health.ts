// An account's health from the lens's `Margin` view (quote base units, bigint).

import { toBigInt } from './amounts';
import type { OptionsLensQueryClient } from './contracts/OptionsLens.client';
import type { MarginResponse } from './contracts/OptionsLens.types';

export interface AccountHealth {
  /**
   * Cash + claim on the pool + collateral (maintenance haircuts) + the marks of short options;
   * long options count in the margin's scenarios instead.
   */
  equity: bigint;
  /** The same with the collateral at its haircut for new risk (what the initial margin judges). */
  equityForNewRisk: bigint;
  initialMargin: bigint;
  maintenanceMargin: bigint;
  /** `equity - maintenance margin`: how much the account can lose before it is liquidatable. */
  cushion: bigint;
  /** `equity for new risk - initial margin`, at least zero: room for new risk or withdrawals. */
  freeMargin: bigint;
  liquidatable: boolean;
  /**
   * Whether the account meets its initial margin now. A trade that adds risk is judged again
   * after the trade, on fresh prices, and its premium must be paid from cash: preview it.
   */
  canAddRisk: boolean;
  /** The market move the margin's worst scenario assumes (for display). */
  worstScenario: string;
}

export function healthFromMargin(m: MarginResponse): AccountHealth {
  const equity = toBigInt(m.equity);
  const equityForNewRisk = toBigInt(m.equity_initial);
  const initialMargin = toBigInt(m.initial_margin);
  const maintenanceMargin = toBigInt(m.maintenance_margin);
  const free = equityForNewRisk - initialMargin;
  return {
    equity,
    equityForNewRisk,
    initialMargin,
    maintenanceMargin,
    cushion: equity - maintenanceMargin,
    freeMargin: free > 0n ? free : 0n,
    liquidatable: m.liquidatable,
    canAddRisk: free >= 0n,
    worstScenario: m.worst_scenario,
  };
}

export async function accountHealth(lens: OptionsLensQueryClient, account: string): Promise<AccountHealth> {
  return healthFromMargin(await lens.margin({ account }));
}
