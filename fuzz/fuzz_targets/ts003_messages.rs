//! Every TS003 wire message parser over arbitrary bytes, with the build round trip and the
//! clock-correction arithmetic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    lorafota_fuzz::ts003::run(bytes);
});
