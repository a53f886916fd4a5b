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
 * `lastNanos` is the vault's `last_heartbeat` (a Timestamp: nanoseconds, decimal string). */
export function heartbeatDue(lastNanos: string | null | undefined, interval: number, now: number): boolean {
  if (lastNanos === null || lastNanos === undefined) return true;
  const last = BigInt(lastNanos) / 1_000_000_000n;
  return BigInt(now) - last >= BigInt(interval);
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
      const cfg = await s.chain.query<CollateralVaultTypes.ConfigResponse>(s.vault, { config: {} });
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
