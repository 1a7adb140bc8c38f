//! The Reed-Solomon decoder under real, forged, corrupted and malformed fragments in any order.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lorafota_fuzz::rs_decoder::{RsCase, run};

fuzz_target!(|case: RsCase| {
    run(&case);
});
