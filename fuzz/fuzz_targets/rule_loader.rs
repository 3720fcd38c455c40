//! Fuzz target `rule_loader`: see `detcat_fuzz::rule_loader`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| detcat_fuzz::rule_loader(data));
