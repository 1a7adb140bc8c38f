//! The lossy round trip: encode, drop, shuffle, decode, compare.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lorafota_fuzz::roundtrip::{RoundtripCase, run};

fuzz_target!(|case: RoundtripCase| {
    run(&case);
});
