#![no_main]
//! See `isthmus_fuzz::vault::run_ibc` for the input format and what is asserted.
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        if std::env::var_os("ISTHMUS_FUZZ_WRITE_SEEDS").is_some() {
            isthmus_fuzz::seeds::write_all();
            std::process::exit(0);
        }
    },
    |data: &[u8]| {
        isthmus_fuzz::vault::run_ibc(data);
    }
);
