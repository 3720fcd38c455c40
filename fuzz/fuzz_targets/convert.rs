//! Fuzz target `convert`: see `detcat_fuzz::convert`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| detcat_fuzz::convert(data));
