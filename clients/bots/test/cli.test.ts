import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parseArgs } from '../src/cli';
import { ConfigError, parseConfig } from '../src/config';
import { readMnemonic } from '../src/chain';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('cli arguments', () => {
  assert.deepEqual(parseArgs(['keeper', '--config', 'k.json', '--once']), { bot: 'keeper', config: 'k.json', once: true, interval: undefined });
  assert.deepEqual(parseArgs(['feeder', '--config', 'f.json', '--interval', '5']), { bot: 'feeder', config: 'f.json', once: false, interval: 5 });
  assert.throws(() => parseArgs(['liquidator', '--config', 'x']), /usage: isthmus-bots <keeper\|settlement\|heartbeat\|feeder>/);
  assert.throws(() => parseArgs(['keeper']), /--config is required/);
  assert.throws(() => parseArgs(['keeper', '--config', 'x', '--interval', '0']), /--interval: expected seconds > 0/);
});

const good = {
  target: { chain_id: 't', rpc: 'http://127.0.0.1:1', gas_price: '0stake' },
  contracts: { engine: 'e', lens: 'l', controller: 'c' },
  signer: { mnemonic_file: 'keys/keeper.json' },
  feeder: { source: { kind: 'file', path: 'prices.json' } },
};

test('config: paths resolved against the file, mistakes named', () => {
  const c = parseConfig(structuredClone(good), '/etc/bots');
  assert.equal(c.signer.mnemonic_file, '/etc/bots/keys/keeper.json');
  assert.deepEqual(c.feeder?.source, { kind: 'file', path: '/etc/bots/prices.json' });
  const bad = (patch: Record<string, unknown>, msg: string) =>
    assert.throws(() => parseConfig({ ...structuredClone(good), ...patch }), (e: unknown) => e instanceof ConfigError && e.message === msg);
  bad({ target: { chain_id: 't', rpc: 'x' } }, 'config: target.gas_price must be a non-empty string');
  bad({ signer: {} }, 'config: signer needs mnemonic_file or mnemonic_env');
  bad({ keeper: { max_repay_per_seize: '1.5' } }, 'config: keeper.max_repay_per_seize must be a positive integer string');
  bad({ feeder: { source: { kind: 'pyth' } } }, 'config: feeder.source.kind must be "file" or "http"');
});

test('mnemonic from a wasmd key file, a plain file or an environment variable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bots-'));
  writeFileSync(join(dir, 'k.json'), JSON.stringify({ name: 'keeper', address: 'wasm1x', mnemonic: 'word1 word2' }));
  writeFileSync(join(dir, 'k.txt'), 'word3 word4\n');
  assert.equal(readMnemonic({ mnemonic_file: join(dir, 'k.json') }), 'word1 word2');
  assert.equal(readMnemonic({ mnemonic_file: join(dir, 'k.txt') }), 'word3 word4');
  process.env.BOTS_TEST_MNEMONIC = 'word5';
  assert.equal(readMnemonic({ mnemonic_env: 'BOTS_TEST_MNEMONIC' }), 'word5');
  assert.throws(() => readMnemonic({ mnemonic_env: 'BOTS_TEST_UNSET' }), /BOTS_TEST_UNSET is not set/);
});
