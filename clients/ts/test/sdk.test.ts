// Unit tests of the hand-written layer and of the generated clients' messages, without a chain:
// the clients get a stand-in for CosmJS that records what they send and answers from fixtures.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { CosmWasmClient, SigningCosmWasmClient } from '@cosmjs/cosmwasm-stargate';

import {
  TradeRefused,
  checkLegs,
  cw20DepositMsg,
  executeTrade,
  healthFromMargin,
  maxCostWithSlippage,
  planTrade,
  toBigInt,
} from '../src';
import { CollateralVaultQueryClient } from '../src/contracts/CollateralVault.client';
import { LiquidationControllerQueryClient } from '../src/contracts/LiquidationController.client';
import { OptionsEngineClient } from '../src/contracts/OptionsEngine.client';
import { OptionsLensQueryClient } from '../src/contracts/OptionsLens.client';
import type { MarginResponse, SimulateTradeResponse } from '../src/contracts/OptionsLens.types';

const LENS = 'tgt1lens';
const ENGINE = 'tgt1engine';
const ALICE = 'tgt1alice';

/** A CosmWasmClient stand-in: records every smart query and answers with `answer`. */
function queries(answer: (msg: Record<string, unknown>) => unknown) {
  const seen: { contract: string; msg: Record<string, unknown> }[] = [];
  const client = {
    queryContractSmart: async (contract: string, msg: Record<string, unknown>) => {
      seen.push({ contract, msg });
      return answer(msg);
    },
  };
  return { client: client as unknown as CosmWasmClient, seen };
}

/** A SigningCosmWasmClient stand-in that records executions. */
function signer() {
  const executed: unknown[][] = [];
  const client = {
    queryContractSmart: async () => ({}),
    execute: async (...args: unknown[]) => {
      executed.push(args);
      return { transactionHash: 'ABC', height: 1, gasUsed: 1n, gasWanted: 1n, events: [], logs: [] };
    },
  };
  return { client: client as unknown as SigningCosmWasmClient, executed };
}

const margin: MarginResponse = {
  account: ALICE,
  cash: '1000000',
  claim: '250000',
  collateral_value: '8000000',
  collateral_value_maintenance: '9000000',
  positions_value: '-2000000',
  equity: '8250000',
  equity_initial: '7250000',
  initial_margin: '7000000',
  maintenance_margin: '5000000',
  liquidatable: false,
  worst_scenario: 'spot -30% vol +50%',
};

function preview(accepted: boolean, totalCost: string, refusal: string | null = null): SimulateTradeResponse {
  return {
    accepted,
    refusal,
    premium: totalCost,
    fees: '0',
    total_cost: totalCost,
    meets_initial_margin: accepted,
    margin_before: margin,
    margin_after: margin,
  };
}

describe('amounts', () => {
  it('parses integer strings exactly, beyond 2^53', () => {
    assert.equal(toBigInt('-340282366920938463463374607431768211455'), -340282366920938463463374607431768211455n);
    assert.throws(() => toBigInt('1.5'), /not an integer amount/);
    assert.throws(() => toBigInt('1e6'), /not an integer amount/);
  });
});

describe('cw20 deposits', () => {
  it('carry the vault hook as base64 JSON in a Send to the token', () => {
    const msg = cw20DepositMsg({ vault: 'src1vault', amount: '2500000', account: ALICE });
    assert.deepEqual(Object.keys(msg.send), ['contract', 'amount', 'msg']);
    assert.equal(msg.send.contract, 'src1vault');
    assert.equal(msg.send.amount, '2500000');
    const hook = JSON.parse(Buffer.from(msg.send.msg, 'base64').toString('utf8'));
    assert.deepEqual(hook, { deposit: { account: ALICE, owner: null } });
    const forOther = cw20DepositMsg({ vault: 'src1vault', amount: '1', account: ALICE, owner: 'src1bob' });
    const hook2 = JSON.parse(Buffer.from(forOther.send.msg, 'base64').toString('utf8'));
    assert.deepEqual(hook2, { deposit: { account: ALICE, owner: 'src1bob' } });
  });

  it('refuse amounts the vault would refuse', () => {
    for (const amount of ['0', '-1', '1.5', '']) {
      assert.throws(() => cw20DepositMsg({ vault: 'v', amount, account: ALICE }), /positive integer amount/);
    }
  });
});

describe('trades', () => {
  it('allow the slippage on top of the preview, rounded up, whichever way the cash goes', () => {
    assert.equal(maxCostWithSlippage('1000000', 50), '1005000');
    assert.equal(maxCostWithSlippage('-1000000', 50), '-995000');
    assert.equal(maxCostWithSlippage('3', 1), '4');
    assert.equal(maxCostWithSlippage('0', 100), '0');
    assert.equal(maxCostWithSlippage('123', 0), '123');
    assert.throws(() => maxCostWithSlippage('1', 1.5), /basis points/);
    assert.throws(() => maxCostWithSlippage('1', -1), /basis points/);
  });

  it('check legs as the engine does', () => {
    assert.throws(() => checkLegs([]), /1 to 16 legs/);
    const many = Array.from({ length: 17 }, (_, i) => ({ series_id: i + 1, quantity: 1 }));
    assert.throws(() => checkLegs(many), /1 to 16 legs/);
    assert.throws(() => checkLegs([{ series_id: 1, quantity: 0 }]), /non-zero/);
    assert.throws(() => checkLegs([{ series_id: 1, quantity: 2 }, { series_id: 1, quantity: -1 }]), /two legs/);
    checkLegs([{ series_id: 1, quantity: 2 }, { series_id: 2, quantity: -1 }]);
  });

  it('are previewed with the lens and signed with the planned limit', async () => {
    const legs = [
      { series_id: 4, quantity: 10 },
      { series_id: 7, quantity: -10 },
    ];
    const lens = queries(() => preview(true, '2000000'));
    const plan = await planTrade(new OptionsLensQueryClient(lens.client, LENS), ALICE, legs, 100);
    // As sent on the wire (an absent limit is left out of the JSON).
    const sent = JSON.parse(JSON.stringify(lens.seen));
    assert.deepEqual(sent, [{ contract: LENS, msg: { simulate_trade: { account: ALICE, legs } } }]);
    assert.equal(plan.maxCost, '2020000');

    const wallet = signer();
    await executeTrade(new OptionsEngineClient(wallet.client, ALICE, ENGINE), plan, 'auto', 'isthmus');
    assert.equal(wallet.executed.length, 1);
    const [sender, contract, msg, fee, memo, funds] = wallet.executed[0];
    assert.deepEqual([sender, contract, fee, memo, funds], [ALICE, ENGINE, 'auto', 'isthmus', undefined]);
    assert.deepEqual(msg, { trade: { legs, max_cost: '2020000' } });
  });

  it('refused in preview are not signed, and carry the engine refusal', async () => {
    const refusal = "the pool's free cash 5 cannot pay 9: the rest of its cash is debt owed to it or owed to claims";
    const lens = queries(() => preview(false, '-9', refusal));
    await assert.rejects(
      planTrade(new OptionsLensQueryClient(lens.client, LENS), ALICE, [{ series_id: 1, quantity: -1 }], 0),
      (err: unknown) => err instanceof TradeRefused && err.refusal === refusal,
    );
  });
});

describe('account health', () => {
  it('is read from the margin view, the claim counted like cash', () => {
    const h = healthFromMargin(margin);
    assert.equal(h.equity, 8_250_000n);
    assert.equal(h.equityForNewRisk, 7_250_000n);
    assert.equal(h.cushion, 3_250_000n);
    assert.equal(h.freeMargin, 250_000n);
    assert.equal(h.canAddRisk, true);
    assert.equal(h.liquidatable, false);
    const short = healthFromMargin({ ...margin, initial_margin: '7500000' });
    assert.equal(short.freeMargin, 0n);
    assert.equal(short.canAddRisk, false);
  });
});

describe('generated clients', () => {
  it('name the controller seize query apart from the seize message', async () => {
    const q = queries(() => ({}));
    await new LiquidationControllerQueryClient(q.client, 'tgt1controller').seizeRecord({ seizeId: 7 });
    assert.deepEqual(q.seen[0].msg, { seize_record: { seize_id: 7 } });
  });

  it("ask the vault for a withdrawal's status by its request id", async () => {
    const paid = { request_id: 3, owner: 'src1bob', asset: { native: 'uatom' }, amount: '20000000',
      requested_at: 1700000000, status: { paid: {} }, decided_at: 1700000010 };
    const q = queries(() => paid);
    const status = await new CollateralVaultQueryClient(q.client, 'src1vault').withdrawal({ requestId: 3 });
    assert.deepEqual(q.seen[0], { contract: 'src1vault', msg: { withdrawal: { request_id: 3 } } });
    assert.deepEqual(status.status, { paid: {} });
  });
});
