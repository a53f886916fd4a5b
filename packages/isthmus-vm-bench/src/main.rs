//! Runs the bench contract and prints, per operation:
//! * the exact number of executed wasm instructions (wasmer 7.4.2 singlepass with the
//!   `wasmer-middlewares` metering middleware and a cost of 1 for every operator, calling the
//!   contract's plain export `bench_ops(op, n)`), and
//! * the CosmWasm gas in cosmwasm-vm 3.0.10 (the `query` entry point, same code).
//!
//! usage: isthmus-vm-bench <contract.wasm> [iterations]
//!
//! per op = (x(n = N) − x(n = 0)) / N, so entry-point, JSON and set-up costs cancel; the figure
//! includes the bench loop's own few instructions per iteration.
//! cosmwasm-vm charges 115 gas per wasm operator and 14 × 115 for "accounting" operators
//! (branches, calls, block ends), so gas / 115 = plain + 14 × accounting ≥ instructions.
//! 1 Cosmos SDK gas = 140,000 CosmWasm gas (wasmd DefaultGasMultiplier).

use std::sync::Arc;

use cosmwasm_vm::testing::{mock_env, mock_instance_with_gas_limit, query};
use wasmer::sys::{CompilerConfig, EngineBuilder, Singlepass};
use wasmer::wasmparser::Operator;
use wasmer::{ExternType, Function, Imports, Instance, Module, RuntimeError, Store, Value};
use wasmer_middlewares::metering::{get_remaining_points, MeteringPoints};
use wasmer_middlewares::Metering;

const GAS_PER_OPERATION: u64 = 115;
const SDK_MULTIPLIER: u64 = 140_000;
const OPS: [&str; 3] = ["price_and_delta", "greeks", "implied_vol"];
/// `bench_ops` codes 3.. : single kernels (instruction count only, the query does not have them).
const KERNELS: [&str; 6] = ["exp", "ln", "sqrt", "normal_cdf", "Fixed mul", "Fixed div"];

fn gas_of(wasm: &[u8], msg: &str) -> u64 {
    let mut instance = mock_instance_with_gas_limit(wasm, u64::MAX / 2);
    let before = instance.create_gas_report().used_internally;
    let msg: serde_json_value::Value = serde_json_value::from_str(msg);
    let res = query(&mut instance, mock_env(), msg);
    assert!(res.is_ok(), "query {res:?}");
    instance.create_gas_report().used_internally - before
}

/// Executed wasm instructions of `bench_ops(op, n)`: every operator costs 1 point. The
/// middleware charges each basic block's operators before its closing branch/call/end, so the
/// points used are exactly the operators executed (the injected metering code is not counted).
fn instructions_of(module: &Module, store: &mut Store, op: u32, n: u32) -> u64 {
    let mut imports = Imports::new();
    for import in module.imports() {
        if let ExternType::Function(ty) = import.ty() {
            let stub = Function::new(&mut *store, ty, |_| Err(RuntimeError::new("host call in bench_ops")));
            imports.define(import.module(), import.name(), stub);
        }
    }
    let instance = Instance::new(&mut *store, module, &imports).expect("instantiate");
    let f = instance.exports.get_function("bench_ops").expect("export bench_ops");
    let before = remaining(store, &instance);
    let out = f.call(&mut *store, &[Value::I32(op as i32), Value::I32(n as i32)]).expect("bench_ops");
    assert_ne!(out[0], Value::I64(-1), "pricing error in bench_ops({op}, {n})");
    before - remaining(store, &instance)
}

fn remaining(store: &mut Store, instance: &Instance) -> u64 {
    match get_remaining_points(store, instance) {
        MeteringPoints::Remaining(p) => p,
        MeteringPoints::Exhausted => panic!("metering exhausted"),
    }
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

    let mut compiler = Singlepass::new();
    compiler.push_middleware(Arc::new(Metering::new(u64::MAX / 2, |_: &Operator| 1)));
    let mut store = Store::new(EngineBuilder::new(compiler));
    let module = Module::new(&store, &wasm).expect("compile");

    println!("{:<16} {:>14} {:>14} {:>12} {:>12}", "operation", "wasm instrs", "CosmWasm gas", "gas / 115", "SDK gas");
    for (op, name) in OPS.iter().enumerate() {
        let i0 = instructions_of(&module, &mut store, op as u32, 0);
        let i_n = instructions_of(&module, &mut store, op as u32, n as u32);
        let instrs = (i_n - i0) as f64 / n as f64;
        let g0 = gas_of(&wasm, &format!(r#"{{"{name}":{{"n":0}}}}"#));
        let gn = gas_of(&wasm, &format!(r#"{{"{name}":{{"n":{n}}}}}"#));
        let gas = (gn - g0) / n;
        println!(
            "{name:<16} {instrs:>14.1} {gas:>14} {:>12} {:>12.2}",
            gas / GAS_PER_OPERATION,
            gas as f64 / SDK_MULTIPLIER as f64
        );
    }
    for (k, name) in KERNELS.iter().enumerate() {
        let op = 3 + k as u32;
        let i0 = instructions_of(&module, &mut store, op, 0);
        let i_n = instructions_of(&module, &mut store, op, n as u32);
        println!("{name:<16} {:>14.1}", (i_n - i0) as f64 / n as f64);
    }
}
