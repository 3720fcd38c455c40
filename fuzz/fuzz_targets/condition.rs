//! Fuzz target `condition`: see `detcat_fuzz::condition`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| detcat_fuzz::condition(data));
