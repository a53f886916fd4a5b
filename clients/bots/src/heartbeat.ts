// The heartbeat crank: sends each source vault's `Heartbeat {}` (a packet telling the engine
// the source is alive, its time and position count) once its interval has passed. The vault
// allows one per `heartbeat_interval_seconds`; the crank reads the last one from the vault's
// config each round, so it is stateless.

import type { CollateralVaultTypes } from '@isthmus/sdk';
import type { ChainLike } from './chain';
import type { Logger } from './log';
import { errorText } from './log';

const BOT = 'heartbeat';

/** Due when no heartbeat was sent yet or `interval` seconds have passed since the last one.
 * `last` is the vault's `last_heartbeat` in unix seconds (a JSON number, docs/integrating.md);
 * a decimal string is read as a cosmwasm Timestamp in nanoseconds, which vaults built before
 * the one time convention answer, so the crank works with both. */
export function heartbeatDue(last: string | number | null | undefined, interval: number, now: number): boolean {
  if (last === null || last === undefined) return true;
  return BigInt(now) - lastSeconds(last) >= BigInt(interval);
}

export function lastSeconds(last: string | number): bigint {
  return typeof last === 'number' ? BigInt(last) : BigInt(last) / 1_000_000_000n;
}

export interface HeartbeatTarget {
  id: string;
  chain: ChainLike;
  vault: string;
}

export async function heartbeatRound(sources: HeartbeatTarget[], log: Logger): Promise<{ sent: string[]; failed: number }> {
  const out = { sent: [] as string[], failed: 0 };
  for (const s of sources) {
    try {
      const cfg = await s.chain.query<Omit<CollateralVaultTypes.ConfigResponse, 'last_heartbeat'> & { last_heartbeat?: string | number | null }>(s.vault, { config: {} });
      const now = await s.chain.blockTime();
      if (!heartbeatDue(cfg.last_heartbeat, cfg.heartbeat_interval_seconds, now)) {
        log({ bot: BOT, action: 'heartbeat', source_id: s.id, vault: s.vault, last_heartbeat: cfg.last_heartbeat, outcome: 'skipped', reason: 'interval not elapsed' });
        continue;
      }
      const tx = await s.chain.execute(s.vault, { heartbeat: {} });
      out.sent.push(s.id);
      log({ bot: BOT, action: 'heartbeat', source_id: s.id, vault: s.vault, previous: cfg.last_heartbeat ?? null, tx: tx.txHash, outcome: 'ok' });
    } catch (e) {
      out.failed++;
      log({ bot: BOT, action: 'heartbeat', source_id: s.id, vault: s.vault, outcome: 'failed', error: errorText(e) });
    }
  }
  return out;
}
