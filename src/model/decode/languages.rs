//! What the Latin-script languages of Europe look like, as far as telling
//! their legacy encodings apart needs: the letters beyond ASCII each one
//! writes, and its commonest short words.
//!
//! The words identify the language of a text. Most are pure ASCII, so they
//! read the same in every candidate encoding; the letters then tell which
//! candidate gives *that* language's letters. Lists are hand-written from the
//! languages' most frequent function words in news prose.

/// One language.
pub(super) struct Language {
    /// ISO 639-1 code, for debugging and tests.
    pub code: &'static str,
    /// Lower-case letters beyond ASCII that the language writes (upper case
    /// is derived). Loanword letters common in its news are included.
    pub letters: &'static str,
    /// Frequent words, lower case, space-separated.
    pub words: &'static str,
}

/// The languages known to the plausibility check.
pub(super) const LANGUAGES: &[Language] = &[
    Language {
        code: "en",
        letters: "àâäçéèêëïîôöüñ",
        words: "the of and to in is was for on that with as by at from he she it said his her are were have has had be been will would not but this which they their who an or after more than its about",
    },
    Language {
        code: "fr",
        letters: "àâæçéèêëîïôœùûüÿ",
        words: "le la les de des du une un et est a en dans pour par sur au aux que qui ne pas il elle ils elles ont été à où avec ce cette son sa ses leur plus mais selon après être avait sont était déjà très",
    },
    Language {
        code: "de",
        letters: "äöüßé",
        words: "der die das und ist nicht den dem des ein eine einer mit von zu im für auf sich auch wird wurde sagte bei nach aus dass es sie er hat haben werden über noch vor",
    },
    Language {
        code: "es",
        letters: "áéíóúñü",
        words: "el la los las de del y en que un una por con para se es al lo como más pero sus su fue ha han este esta según sobre también entre año",
    },
    Language {
        code: "pt",
        letters: "áâãàçéêíóôõú",
        words: "o a os as de do da dos das e em no na nos nas um uma para com por que se não é ao foi mais como pelo pela seu sua também são está sobre",
    },
    Language {
        code: "it",
        letters: "àèéìíîòóùú",
        words: "il lo la i gli le di del della dei delle e è in un una per con che non si da al alla sono ha anche più come ma nel nella questo",
    },
    Language {
        code: "nl",
        letters: "éëïèöüóáê",
        words: "de het een en van in is dat op te zijn met voor niet aan er die door ook maar bij om als werd heeft wordt naar zei worden nog",
    },
    Language {
        code: "ca",
        letters: "àéèíïòóúüç",
        words: "el la els les de del i a en que un una per amb no es és al dels ha han més com però seva seu aquest aquesta va van",
    },
    Language {
        code: "sv",
        letters: "åäöé",
        words: "och i att det som en på är av för med till den har de inte om ett var men från sig vid efter säger också",
    },
    Language {
        code: "da",
        letters: "æøåé",
        words: "og i at det en til er som på de med han af for ikke der var den har sig om et fra men efter siger også",
    },
    Language {
        code: "no",
        letters: "æøåéèêóòô",
        words: "og i det som en til er på å at de med han av for ikke der var den har seg om et fra men etter sier også",
    },
    Language {
        code: "fi",
        letters: "äöå",
        words: "ja on ei että se oli ovat hän mutta kun myös jo tai sekä mukaan vuoden kanssa joka jotka olla ole",
    },
    Language {
        code: "is",
        letters: "áéíóúýðþæö",
        words: "og að í á er sem til við um en var það ekki með fyrir hann hún af þeir sagði eru verður hefur",
    },
    Language {
        code: "et",
        letters: "äöõüšž",
        words: "ja on ei et see oli ka mis kui aga ta nad või veel mida seda oma pärast üle",
    },
    Language {
        code: "pl",
        letters: "ąćęłńóśźż",
        words: "i w z na się nie do to że jest o jak od po przez za ale co dla już oraz jego tym był była które który która są tak roku",
    },
    Language {
        code: "cs",
        letters: "áčďéěíňóřšťúůýž",
        words: "a v ve na se že je to s z o do po pro jako by být který která které jsou ale také jeho podle byl bylo při",
    },
    Language {
        code: "sk",
        letters: "áäčďéíĺľňóôŕšťúýž",
        words: "a v vo na sa že je to s z o do po pre ako by byť ktorý ktorá ktoré sú ale aj jeho podľa bol bolo pri",
    },
    Language {
        code: "hu",
        letters: "áéíóöőúüű",
        words: "a az és hogy nem is egy de meg ez volt van azt már csak mint ki el még szerint után kell lesz",
    },
    Language {
        code: "ro",
        letters: "ăâîșțşţ",
        words: "și şi de la în cu pe nu a o un care să din pentru mai ca este au fost sunt sau dar prin după despre",
    },
    Language {
        code: "hr",
        letters: "čćđšž",
        words: "i je u na da se su za od s sa o a ne koji koja koje to kao iz ali biti bio bila što će prema",
    },
    Language {
        code: "sl",
        letters: "čšž",
        words: "in je v na da se so za od s z o pa ne ki to kot iz ali bil bila bo tudi",
    },
    Language {
        code: "tr",
        letters: "çğıöşüâîû",
        words: "ve bir bu da de için ile olarak olan çok daha en gibi sonra kadar ama dedi ise göre değil var yok her",
    },
    Language {
        code: "lt",
        letters: "ąčęėįšųūž",
        words: "ir yra kad į su ne iš kaip bet jo tai buvo bus o per nuo už apie dėl",
    },
    Language {
        code: "lv",
        letters: "āčēģīķļņšūž",
        words: "un ir ka uz ar no par kas bet tas to arī bija nav vai lai pēc",
    },
    Language {
        code: "sq",
        letters: "ëç",
        words: "dhe në të e i një për me se që nga është ka u si por",
    },
    Language {
        code: "mt",
        letters: "ċġħżàèìòù",
        words: "il tal u li ta fl għal ma minn huwa kien dan din",
    },
];

/// True when `c` (a letter beyond ASCII) is one of `language`'s letters, in
/// either case.
pub(super) fn writes(language: &Language, c: char) -> bool {
    let mut lower = c.to_lowercase();
    let first = lower.next();
    // 'İ' lowers to "i̇"; it is the Turkish capital of 'i'.
    if c == 'İ' {
        return language.code == "tr";
    }
    match (first, lower.next()) {
        (Some(l), None) => language.letters.contains(l),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_lower_case_and_letters_are_beyond_ascii() {
        assert!(LANGUAGES.len() <= 32, "languages are kept in a u32 bit set");
        for l in LANGUAGES {
            assert!(
                l.letters
                    .chars()
                    .all(|c| !c.is_ascii() && c.is_alphabetic() && c.is_lowercase()),
                "{}",
                l.code
            );
            for w in l.words.split(' ') {
                assert!(!w.is_empty(), "{}: double space", l.code);
                assert_eq!(w, w.to_lowercase(), "{}", l.code);
                for c in w.chars().filter(|c| !c.is_ascii()) {
                    assert!(writes(l, c), "{}: {w} uses {c}, not in its letters", l.code);
                }
            }
        }
    }

    #[test]
    fn both_cases_count() {
        let tr = LANGUAGES.iter().find(|l| l.code == "tr").unwrap();
        let fr = LANGUAGES.iter().find(|l| l.code == "fr").unwrap();
        assert!(writes(tr, 'İ') && writes(tr, 'ı') && writes(tr, 'Ş'));
        assert!(writes(fr, 'É') && writes(fr, 'è') && !writes(fr, 'č') && !writes(fr, 'İ'));
    }
}
