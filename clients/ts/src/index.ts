// @isthmus/sdk: generated clients for every Isthmus contract (src/contracts, from schema/) and
// the helpers generation cannot give (docs/integrating.md).

export * as CollateralVault from './contracts/CollateralVault.client';
export * as CollateralVaultTypes from './contracts/CollateralVault.types';
export * as CollateralVaultMessages from './contracts/CollateralVault.message-composer';
export * as OptionsEngine from './contracts/OptionsEngine.client';
export * as OptionsEngineTypes from './contracts/OptionsEngine.types';
export * as OptionsEngineMessages from './contracts/OptionsEngine.message-composer';
export * as OptionsLens from './contracts/OptionsLens.client';
export * as OptionsLensTypes from './contracts/OptionsLens.types';
export * as LiquidationController from './contracts/LiquidationController.client';
export * as LiquidationControllerTypes from './contracts/LiquidationController.types';
export * as LiquidationControllerMessages from './contracts/LiquidationController.message-composer';
export type { Cw20HookMsg } from './contracts/CollateralVault.hook';

export { mulCeil, toBigInt } from './amounts';
export { cw20DepositHook, cw20DepositMsg, type Cw20DepositArgs, type Cw20SendMsg } from './deposit';
export { accountHealth, healthFromMargin, type AccountHealth } from './health';
export {
  MAX_LEGS,
  TradeRefused,
  checkLegs,
  executeTrade,
  maxCostWithSlippage,
  planTrade,
  type TradePlan,
} from './trade';
