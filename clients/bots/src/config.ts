// The bots' config file (JSON). One file may configure every bot; each bot reads its section.
// See docs/bots.md for a full example. Secrets are never in the file: the signer names a file
// holding the mnemonic, or an environment variable.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { LiquidationControllerTypes } from '@isthmus/sdk';

type SeizeRecipient = LiquidationControllerTypes.SeizeRecipient;

export interface ChainConfig {
  chain_id: string;
  rpc: string;
  /** e.g. "0.025ustake"; "0stake" on the local network. */
  gas_price: string;
  /** bech32 prefix, default "wasm". */
  prefix?: string;
  /** multiplier on simulated gas, default 1.5. */
  gas_adjustment?: number;
}

export interface SignerConfig {
  /** A file holding the mnemonic: plain text, or JSON with a "mnemonic" field. */
  mnemonic_file?: string;
  /** An environment variable holding the mnemonic. */
  mnemonic_env?: string;
}

export interface SourceConfig extends ChainConfig {
  /** The source id the engine and the controller know the source by. */
  id: string;
  vault: string;
}

export interface KeeperConfig {
  /** Accounts per `Liquidatable` page (the lens caps it). Default 30. */
  page_limit?: number;
  /** Most quote base units escrowed in one seize (decimal string). Default: no limit. */
  max_repay_per_seize?: string;
  /** Underlyings whose pool risk snapshot the keeper refreshes when stale. */
  refresh_pool_risk?: string[];
  /** Where seized collateral goes, per source id. Default: `local` to the keeper's address. */
  recipients?: Record<string, SeizeRecipient>;
  /** Seize only from these source ids (default: any). */
  sources?: string[];
}

export interface SettlementConfig {
  underlyings: string[];
  /** Holders per `SettleSeries` call (the engine caps it at 30). Default 30. */
  limit?: number;
  /** Most `SettleSeries` calls per series per round. Default 10. */
  max_calls_per_series?: number;
  /** Also send one `SettleSeries` for each expired series with nothing open (it retires it:
   * a series stops counting against the engine's 1,024 live series only then). The lens does
   * not say whether a series is retired, so this is once per series per process: a restart
   * sends one (harmless, no-op) call per such series again. Default false. */
  retire_empty_series?: boolean;
  /** Most of those calls per round. Default 10. */
  max_retire_per_round?: number;
}

export type PriceSourceConfig =
  | { kind: 'file'; path: string }
  | { kind: 'http'; url: string; timeout_ms?: number };

export interface FeederConfig {
  source: PriceSourceConfig;
  /** A point without its own publish_time is stamped with the chain's time; an unchanged one is
   * re-pushed once the stored one is this old (keeps it fresh). Default 600. */
  republish_after_seconds?: number;
  /** Oracle-sourced symbols (Pyth, Slinky) to `PullPrices` every round, one transaction each so
   * that one refused pull does not stop the others (docs/oracles.md). */
  pull?: string[];
}

export interface BotsConfig {
  target: ChainConfig;
  contracts: { engine: string; lens: string; controller: string };
  signer: SignerConfig;
  /** Seconds between rounds in loop mode. Default 30. */
  interval_seconds?: number;
  sources?: SourceConfig[];
  keeper?: KeeperConfig;
  settlement?: SettlementConfig;
  feeder?: FeederConfig;
}

export class ConfigError extends Error {}

function need(cond: unknown, what: string): asserts cond {
  if (!cond) throw new ConfigError(`config: ${what}`);
}

function checkChain(c: unknown, where: string): asserts c is ChainConfig {
  need(c && typeof c === 'object', `${where} must be an object`);
  const o = c as Record<string, unknown>;
  for (const k of ['chain_id', 'rpc', 'gas_price']) need(typeof o[k] === 'string' && o[k], `${where}.${k} must be a non-empty string`);
}

/** Validate a parsed config; paths in it are resolved against `baseDir`. */
export function parseConfig(raw: unknown, baseDir = '.'): BotsConfig {
  need(raw && typeof raw === 'object' && !Array.isArray(raw), 'the file must hold a JSON object');
  const c = raw as BotsConfig;
  checkChain(c.target, 'target');
  need(c.contracts && typeof c.contracts === 'object', 'contracts must be an object');
  for (const k of ['engine', 'lens', 'controller'] as const) need(typeof c.contracts[k] === 'string', `contracts.${k} must be an address`);
  need(c.signer && (c.signer.mnemonic_file || c.signer.mnemonic_env), 'signer needs mnemonic_file or mnemonic_env');
  if (c.signer.mnemonic_file) c.signer.mnemonic_file = resolve(baseDir, c.signer.mnemonic_file);
  (c.sources ?? []).forEach((s, i) => {
    checkChain(s, `sources[${i}]`);
    need(typeof s.id === 'string' && typeof s.vault === 'string', `sources[${i}] needs id and vault`);
  });
  if (c.keeper?.max_repay_per_seize !== undefined) need(/^[1-9][0-9]*$/.test(c.keeper.max_repay_per_seize), 'keeper.max_repay_per_seize must be a positive integer string');
  if (c.settlement) need(Array.isArray(c.settlement.underlyings), 'settlement.underlyings must be a list');
  if (c.feeder) {
    const s = c.feeder.source;
    need(s && (s.kind === 'file' || s.kind === 'http'), 'feeder.source.kind must be "file" or "http"');
    if (s.kind === 'file') {
      need(typeof s.path === 'string', 'feeder.source.path must be a string');
      s.path = resolve(baseDir, s.path);
    } else need(typeof s.url === 'string', 'feeder.source.url must be a string');
    const pull = c.feeder.pull;
    need(pull === undefined || (Array.isArray(pull) && pull.every((x) => typeof x === 'string' && x.length > 0)), 'feeder.pull must be a list of symbols');
  }
  return c;
}

export function loadConfig(path: string): BotsConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`config: cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseConfig(raw, dirname(resolve(path)));
}
