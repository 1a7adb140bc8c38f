//! Every TS005 wire message parser over arbitrary bytes, with the build round trip and the key
//! chain.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    lorafota_fuzz::ts005::run(bytes);
});
