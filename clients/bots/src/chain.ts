// The I/O a bot needs from a chain, behind a small interface (`ChainLike`) so that the bots'
// rounds run against a fake chain in unit tests and against CosmJS on a real one.

import { readFileSync } from 'node:fs';
import { SigningCosmWasmClient } from '@cosmjs/cosmwasm-stargate';
import { DirectSecp256k1HdWallet } from '@cosmjs/proto-signing';
import { GasPrice } from '@cosmjs/stargate';
import type { ChainConfig, SignerConfig } from './config';

export interface Coin {
  denom: string;
  amount: string;
}

export interface TxEvent {
  type: string;
  attributes: readonly { key: string; value: string }[];
}

export interface TxOutcome {
  txHash: string;
  height: number;
  gasUsed: number;
  events: readonly TxEvent[];
}

export interface ChainLike {
  readonly chainId: string;
  /** The signer's address on this chain. */
  readonly address: string;
  query<T>(contract: string, msg: Record<string, unknown>): Promise<T>;
  execute(contract: string, msg: Record<string, unknown>, funds?: Coin[]): Promise<TxOutcome>;
  /** The latest block's time, unix seconds (the clock the contracts judge by). */
  blockTime(): Promise<number>;
  balance(address: string, denom: string): Promise<bigint>;
}

/** An attribute of the `wasm` (or `wasm-<name>`) event emitted by `contract`. */
export function wasmAttr(tx: TxOutcome, contract: string, key: string, type = 'wasm'): string | undefined {
  for (const ev of tx.events) {
    if (ev.type !== type) continue;
    if (!ev.attributes.some((a) => a.key === '_contract_address' && a.value === contract)) continue;
    const hit = ev.attributes.find((a) => a.key === key);
    if (hit) return hit.value;
  }
  return undefined;
}

/** The mnemonic named by a signer config: an environment variable, or a file holding it (plain
 * text, or JSON with a `mnemonic` field, as `wasmd keys add --output json` writes). */
export function readMnemonic(signer: SignerConfig): string {
  if (signer.mnemonic_env) {
    const m = process.env[signer.mnemonic_env];
    if (!m) throw new Error(`signer: environment variable ${signer.mnemonic_env} is not set`);
    return m.trim();
  }
  if (signer.mnemonic_file) {
    const text = readFileSync(signer.mnemonic_file, 'utf8').trim();
    if (text.startsWith('{')) {
      const j = JSON.parse(text) as { mnemonic?: unknown };
      if (typeof j.mnemonic !== 'string') throw new Error(`signer: ${signer.mnemonic_file} has no "mnemonic" field`);
      return j.mnemonic.trim();
    }
    return text;
  }
  throw new Error('signer: set mnemonic_file or mnemonic_env');
}

export class CosmChain implements ChainLike {
  private constructor(
    readonly chainId: string,
    readonly address: string,
    private readonly client: SigningCosmWasmClient,
    private readonly gasAdjustment: number,
  ) {}

  static async connect(chain: ChainConfig, signer: SignerConfig): Promise<CosmChain> {
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(readMnemonic(signer), { prefix: chain.prefix ?? 'wasm' });
    const [account] = await wallet.getAccounts();
    const client = await SigningCosmWasmClient.connectWithSigner(chain.rpc, wallet, {
      gasPrice: GasPrice.fromString(chain.gas_price),
    });
    const id = await client.getChainId();
    if (id !== chain.chain_id) throw new Error(`${chain.rpc} serves chain ${id}, the config says ${chain.chain_id}`);
    return new CosmChain(id, account.address, client, chain.gas_adjustment ?? 1.5);
  }

  query<T>(contract: string, msg: Record<string, unknown>): Promise<T> {
    return this.client.queryContractSmart(contract, msg) as Promise<T>;
  }

  async execute(contract: string, msg: Record<string, unknown>, funds: Coin[] = []): Promise<TxOutcome> {
    const r = await this.client.execute(this.address, contract, msg, this.gasAdjustment, undefined, funds);
    return { txHash: r.transactionHash, height: r.height, gasUsed: Number(r.gasUsed), events: r.events };
  }

  async blockTime(): Promise<number> {
    const b = await this.client.getBlock();
    return Math.floor(Date.parse(b.header.time) / 1000);
  }

  async balance(address: string, denom: string): Promise<bigint> {
    return BigInt((await this.client.getBalance(address, denom)).amount);
  }

  disconnect(): void {
    this.client.disconnect();
  }
}
