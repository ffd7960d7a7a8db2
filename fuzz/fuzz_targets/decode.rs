//! Any bytes decode to normalised text or a clear error, never a panic; the
//! text has no `\r` and builds an article whose offsets convert both ways.
#![no_main]

use libfuzzer_sys::fuzz_target;
use marginalia_fuzz::model::{decode::decode, document::Article, offset::CharOffset};

fuzz_target!(|data: &[u8]| {
    if let Ok(d) = decode(data) {
        assert!(!d.text.contains('\r'));
        let article = Article::new(d.text);
        let n = article.char_len();
        for pos in [0, n / 2, n] {
            let b = article.char_to_byte(CharOffset(pos)).expect("in range");
            assert_eq!(article.byte_to_char(b), Some(CharOffset(pos)));
        }
    }
});
