//! The EUI-64 text parser against a model of its three documented spellings.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    lorafota_fuzz::eui::run(bytes);
});
