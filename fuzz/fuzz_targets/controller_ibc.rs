#![no_main]
//! See `isthmus_fuzz::controller::run_ibc` for the input format and what is asserted.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    isthmus_fuzz::controller::run_ibc(data);
});
