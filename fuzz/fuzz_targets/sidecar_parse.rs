//! Any text given to the sidecar parser gives a sidecar or an error, never a
//! panic; it gives what `ron` alone gives (the fast reader of our own layout
//! never reads anything differently); a parsed sidecar serializes and
//! parses back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use marginalia_fuzz::store::sidecar::{self, Sidecar};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = sidecar::parse(text, Path::new("fuzz.ann.ron"));
    let by_ron = ron::Options::default()
        .with_recursion_limit(64)
        .from_str::<Sidecar>(text)
        .ok()
        .filter(|sc| sc.version == 1);
    assert_eq!(parsed.as_ref().ok(), by_ron.as_ref(), "differs from ron");
    if let Ok(sc) = parsed {
        let again = sidecar::to_string(&sc);
        let back = sidecar::parse(&again, Path::new("fuzz.ann.ron")).expect("own output parses");
        assert_eq!(sidecar::to_string(&back), again, "serialization is stable");
    }
});
