// Deposits into a collateral vault: native coins go with `Deposit`; a cw20 token is deposited
// by a `Send` on the token contract that carries the vault's hook message (base64 JSON).

import { toBase64, toUtf8 } from '@cosmjs/encoding';

import type { Cw20HookMsg } from './contracts/CollateralVault.hook';

/** The cw20 `ExecuteMsg` (sent to the token contract) that deposits `amount` into `vault`. */
export interface Cw20SendMsg {
  send: { contract: string; amount: string; msg: string };
}

export interface Cw20DepositArgs {
  /** The collateral vault's address on the source chain. */
  vault: string;
  /** Token base units, a decimal string. */
  amount: string;
  /** The account on the target chain this position backs (bound at the owner's first deposit). */
  account: string;
  /** Whose position it is (default: the sender of the `Send`). */
  owner?: string;
}

export function cw20DepositHook(args: Pick<Cw20DepositArgs, 'account' | 'owner'>): Cw20HookMsg {
  return { deposit: { account: args.account, owner: args.owner ?? null } };
}

export function cw20DepositMsg(args: Cw20DepositArgs): Cw20SendMsg {
  if (!/^\d+$/.test(args.amount) || BigInt(args.amount) === 0n) {
    throw new Error(`a deposit needs a positive integer amount, got ${JSON.stringify(args.amount)}`);
  }
  const hook = JSON.stringify(cw20DepositHook(args));
  // @cosmjs/encoding, not Node's Buffer: the SDK runs in browsers too.
  return { send: { contract: args.vault, amount: args.amount, msg: toBase64(toUtf8(hook)) } };
}
