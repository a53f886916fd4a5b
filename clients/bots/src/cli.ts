#!/usr/bin/env node
// isthmus-bots <keeper|settlement|heartbeat|feeder> --config <file.json> [--once] [--interval <s>]
//
// --once: one round, then exit (status 1 if any action of the round failed). Without it: a
// round every `interval_seconds` (config, default 30) until SIGINT/SIGTERM, which stop the
// loop after the current round. Every action is one JSON line on stdout.

import { CosmChain } from './chain';
import { loadConfig, type BotsConfig } from './config';
import { feederRound } from './feeder';
import { heartbeatRound, type HeartbeatTarget } from './heartbeat';
import { keeperRound } from './keeper';
import { errorText, jsonLogger, type Logger } from './log';
import { settlementRound } from './settlement';
import { sourceFromConfig } from './sources';

export const BOTS = ['keeper', 'settlement', 'heartbeat', 'feeder'] as const;
export type BotName = (typeof BOTS)[number];

export interface CliArgs {
  bot: BotName;
  config: string;
  once: boolean;
  interval?: number;
}

export function parseArgs(argv: string[]): CliArgs {
  const usage = `usage: isthmus-bots <${BOTS.join('|')}> --config <file.json> [--once] [--interval <seconds>]`;
  const [bot, ...rest] = argv;
  if (!BOTS.includes(bot as BotName)) throw new Error(usage);
  let config: string | undefined;
  let once = false;
  let interval: number | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--config') config = rest[++i];
    else if (a === '--once') once = true;
    else if (a === '--interval') {
      interval = Number(rest[++i]);
      if (!Number.isFinite(interval) || interval <= 0) throw new Error(`--interval: expected seconds > 0\n${usage}`);
    } else throw new Error(`unknown argument ${a}\n${usage}`);
  }
  if (!config) throw new Error(`--config is required\n${usage}`);
  return { bot: bot as BotName, config, once, interval };
}

type Round = () => Promise<number>; // returns the number of failed actions

async function makeRound(bot: BotName, cfg: BotsConfig, log: Logger): Promise<Round> {
  const { engine, lens, controller } = cfg.contracts;
  if (bot === 'heartbeat') {
    if (!cfg.sources?.length) throw new Error('config: heartbeat needs sources');
    const targets: HeartbeatTarget[] = [];
    for (const s of cfg.sources) targets.push({ id: s.id, vault: s.vault, chain: await CosmChain.connect(s, cfg.signer) });
    return async () => (await heartbeatRound(targets, log)).failed;
  }
  const chain = await CosmChain.connect(cfg.target, cfg.signer);
  log({ bot, action: 'start', chain_id: chain.chainId, signer: chain.address, outcome: 'ok' });
  if (bot === 'keeper') {
    return async () => (await keeperRound({ chain, engine, lens, controller, cfg: cfg.keeper ?? {}, log })).failed;
  }
  if (bot === 'settlement') {
    if (!cfg.settlement) throw new Error('config: settlement section missing');
    const s = cfg.settlement;
    const retired = new Set<number>();
    return async () => (await settlementRound({ chain, engine, lens, cfg: s, log, retired })).failed;
  }
  if (!cfg.feeder) throw new Error('config: feeder section missing');
  const f = cfg.feeder;
  const source = sourceFromConfig(f.source);
  return async () => (await feederRound({ chain, engine, lens, source, cfg: f, log })).failed;
}

export async function main(argv: string[]): Promise<number> {
  const log = jsonLogger();
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(errorText(e) + '\n');
    return 2;
  }
  const cfg = loadConfig(args.config);
  const round = await makeRound(args.bot, cfg, log);
  if (args.once) {
    const failed = await round();
    log({ bot: args.bot, action: 'round', failed, outcome: failed ? 'failed' : 'ok' });
    return failed ? 1 : 0;
  }
  let stopping = false;
  let wake: (() => void) | undefined;
  const stop = () => {
    stopping = true;
    wake?.();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const interval = (args.interval ?? cfg.interval_seconds ?? 30) * 1000;
  while (!stopping) {
    try {
      const failed = await round();
      log({ bot: args.bot, action: 'round', failed, outcome: failed ? 'failed' : 'ok' });
    } catch (e) {
      // A round that could not even read the chain (node down...): log, wait, try again.
      log({ bot: args.bot, action: 'round', outcome: 'error', error: errorText(e) });
    }
    if (stopping) break;
    await new Promise<void>((r) => {
      const t = setTimeout(r, interval);
      wake = () => {
        clearTimeout(t);
        r();
      };
    });
  }
  log({ bot: args.bot, action: 'stop', outcome: 'ok' });
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`isthmus-bots: ${errorText(e)}\n`);
      process.exit(1);
    },
  );
}
