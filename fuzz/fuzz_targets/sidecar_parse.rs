//! Any text given to the sidecar parser gives a sidecar or an error, never a
//! panic; a parsed sidecar serializes and parses back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use marginalia_fuzz::store::sidecar;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(sc) = sidecar::parse(text, Path::new("fuzz.ann.ron")) {
        let again = sidecar::to_string(&sc);
        let back = sidecar::parse(&again, Path::new("fuzz.ann.ron")).expect("own output parses");
        assert_eq!(sidecar::to_string(&back), again, "serialization is stable");
    }
});
