// A chain without a chain: queries answered by a function, executes recorded (and answered
// with the events the test gives), for the bots' rounds in unit tests.

import type { ChainLike, Coin, TxOutcome } from '../src/chain';

export interface Sent {
  contract: string;
  msg: Record<string, unknown>;
  funds: Coin[];
}

export type QueryFn = (contract: string, msg: Record<string, unknown>) => unknown;
export type ExecFn = (contract: string, msg: Record<string, unknown>, funds: Coin[]) => Record<string, string | undefined> | Error;

export class FakeChain implements ChainLike {
  readonly sent: Sent[] = [];
  readonly queries: Record<string, unknown>[] = [];
  constructor(
    readonly onQuery: QueryFn,
    private readonly onExec: ExecFn = () => ({}),
    public now = 1_000_000,
    readonly address = 'wasm1keeper',
    readonly chainId = 'fake-1',
  ) {}

  async query<T>(contract: string, msg: Record<string, unknown>): Promise<T> {
    this.queries.push(msg);
    const r = this.onQuery(contract, msg);
    if (r instanceof Error) throw r;
    if (r === undefined) throw new Error(`fake chain: no answer for ${contract} ${JSON.stringify(msg)}`);
    return structuredClone(r) as T;
  }

  async execute(contract: string, msg: Record<string, unknown>, funds: Coin[] = []): Promise<TxOutcome> {
    this.sent.push({ contract, msg: structuredClone(msg), funds });
    const attrs = this.onExec(contract, msg, funds);
    if (attrs instanceof Error) throw attrs;
    const n = this.sent.length;
    return {
      txHash: `TX${n}`,
      height: n,
      gasUsed: 100_000,
      events: [
        {
          type: 'wasm',
          attributes: [{ key: '_contract_address', value: contract }, ...Object.entries(attrs).filter((e): e is [string, string] => e[1] !== undefined).map(([key, value]) => ({ key, value }))],
        },
      ],
    };
  }

  async blockTime(): Promise<number> {
    return this.now;
  }

  async balance(): Promise<bigint> {
    return 0n;
  }
}

export function key(msg: Record<string, unknown>): string {
  return Object.keys(msg)[0];
}
