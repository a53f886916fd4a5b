//! Runs the bench contract in cosmwasm-vm 3.0.10 and prints CosmWasm gas per operation.
//!
//! usage: isthmus-vm-bench <contract.wasm> [iterations]
//!
//! gas per op = (gas(n = N) − gas(n = 0)) / N, so JSON decoding and entry-point overhead cancel.
//! cosmwasm-vm charges 115 gas per wasm operator and 14 × 115 for "accounting" operators
//! (branches, calls, loop ends), so gas / 115 is an upper bound on executed wasm instructions.
//! 1 Cosmos SDK gas = 140,000 CosmWasm gas (wasmd DefaultGasMultiplier).

use cosmwasm_vm::testing::{mock_env, mock_instance_with_gas_limit, query};

const GAS_PER_OPERATION: u64 = 115;
const SDK_MULTIPLIER: u64 = 140_000;

fn gas_of(wasm: &[u8], msg: &str) -> u64 {
    let mut instance = mock_instance_with_gas_limit(wasm, u64::MAX / 2);
    let before = instance.create_gas_report().used_internally;
    let msg: serde_json_value::Value = serde_json_value::from_str(msg);
    let res = query(&mut instance, mock_env(), msg);
    assert!(res.is_ok(), "query {res:?}");
    instance.create_gas_report().used_internally - before
}

/// Minimal JSON passthrough: the VM's `query` takes any `Serialize`.
mod serde_json_value {
    pub struct Value(String);
    impl serde::Serialize for Value {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            serde_json::from_str::<serde_json::Value>(&self.0).unwrap().serialize(s)
        }
    }
    pub fn from_str(s: &str) -> Value {
        Value(s.to_owned())
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: isthmus-vm-bench <contract.wasm> [iterations]");
    let n: u64 = args.next().map(|s| s.parse().unwrap()).unwrap_or(50);
    let wasm = std::fs::read(&path).expect("read wasm");
    println!("{path}: {} bytes, N = {n}", wasm.len());
    println!("{:<16} {:>14} {:>18} {:>12}", "operation", "CosmWasm gas", "≤ wasm instrs", "SDK gas");
    for op in ["price_and_delta", "greeks", "implied_vol"] {
        let g0 = gas_of(&wasm, &format!(r#"{{"{op}":{{"n":0}}}}"#));
        let gn = gas_of(&wasm, &format!(r#"{{"{op}":{{"n":{n}}}}}"#));
        let per = (gn - g0) / n;
        println!("{op:<16} {per:>14} {:>18} {:>12.2}", per / GAS_PER_OPERATION, per as f64 / SDK_MULTIPLIER as f64);
    }
}
