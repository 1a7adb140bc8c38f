//! The TS004 decoder under real, forged, corrupted and malformed fragments in any order.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lorafota_fuzz::decoder::{DecoderCase, run};

fuzz_target!(|case: DecoderCase| {
    run(&case);
});
