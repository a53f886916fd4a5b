#![no_main]
//! See `isthmus_fuzz::margin::run`: `evaluate` on random books, with its documented promises.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: isthmus_fuzz::margin::Input| {
    isthmus_fuzz::margin::run(&input);
});
