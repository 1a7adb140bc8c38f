//! Every TS004 wire message parser over arbitrary bytes, with the build round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    lorafota_fuzz::messages::run(bytes);
});
