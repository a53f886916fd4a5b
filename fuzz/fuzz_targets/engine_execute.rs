#![no_main]
//! See `isthmus_fuzz::engine::run_execute` for the input format and what is asserted.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    isthmus_fuzz::engine::run_execute(data);
});
