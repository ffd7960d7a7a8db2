//! Quotation marks: which characters open and close a quotation, and the
//! quotations they delimit.
//!
//! Every common style is paired: “…” ‘…’ "…" '…' „…“ „…” ‚…‘ «…» ‹…› »…«
//! ›…‹ 「…」 『…』. Whether a mark opens or closes is read from its
//! neighbours, as CommonMark reads emphasis: a mark with a letter after it
//! and a space (or an opening bracket) before it opens; one with a letter or
//! punctuation before it and a space or punctuation after it closes.
//! Apostrophes are not quotation marks: a ’ or ' between two letters
//! (don’t, O’Brien), before a digit (’90s) or after a letter when no single
//! quotation is open (the voters’ choice) is left alone.
//!
//! Quotations nest (“He said ‘no’ twice”). A quotation left open at the end
//! of a paragraph continues when the next paragraph opens with the same mark
//! (the convention for a speech that runs over several paragraphs);
//! otherwise a double quotation ends with its paragraph and a single one is
//! dropped (its opening mark was most likely an apostrophe).
//!
//! Spans include their marks, as PolNeAR and PARC do: the quotation of
//! `“Yes,” he said` is `“Yes,”`.

/// One quotation: from its opening mark to just after its closing mark, in
/// code points of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quotation {
    /// The opening mark.
    pub start: usize,
    /// Just after the closing mark (or the end of the paragraph for an
    /// unterminated quotation).
    pub end: usize,
    /// 0 for a quotation in running text, 1 inside another, ...
    pub depth: usize,
    /// False when the quotation ran to the end of its paragraph without a
    /// closing mark.
    pub is_closed: bool,
    /// True when the quotation's marks are single (‘…’, '…', ‹…›, 「…」).
    pub is_single: bool,
    /// True for the second and later paragraphs of a quotation that runs
    /// over paragraphs: each paragraph is a quotation of its own, and every
    /// one but the first continues the one before.
    pub continues: bool,
}

/// The closing marks that can end a quotation opened by `open`.
fn closers(open: char) -> &'static [char] {
    match open {
        '“' => &['”', '“', '"'],
        '„' => &['“', '”'],
        '"' => &['"', '”'],
        '‘' => &['’', '‘'],
        '‚' => &['‘', '’'],
        '\'' => &['\'', '’'],
        '«' => &['»'],
        '»' => &['«', '»'],
        '‹' => &['›'],
        '›' => &['‹', '›'],
        '「' => &['」'],
        '『' => &['』'],
        '”' => &['”'],
        _ => &[],
    }
}

/// True for characters that may be a quotation mark.
pub fn is_mark(c: char) -> bool {
    matches!(
        c,
        '“' | '”'
            | '„'
            | '"'
            | '‘'
            | '’'
            | '‚'
            | '\''
            | '«'
            | '»'
            | '‹'
            | '›'
            | '「'
            | '」'
            | '『'
            | '』'
    )
}

fn is_single_mark(c: char) -> bool {
    matches!(c, '‘' | '’' | '‚' | '\'' | '‹' | '›' | '「' | '」')
}

/// Marks that only ever open (whatever their neighbours say).
fn only_opens(c: char) -> bool {
    matches!(c, '„' | '‚' | '「' | '『')
}

/// Marks that only ever close.
fn only_closes(c: char) -> bool {
    matches!(c, '」' | '』')
}

fn is_space(c: Option<char>) -> bool {
    c.is_none_or(char::is_whitespace)
}

fn is_punct(c: Option<char>) -> bool {
    c.is_some_and(|c| !c.is_alphanumeric() && !c.is_whitespace())
}

/// Brackets and dashes after which a mark opens.
fn is_opening_context(c: char) -> bool {
    matches!(c, '(' | '[' | '{' | '—' | '–' | '-' | '/' | ':') || is_mark(c)
}

/// How a mark at `i` may be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Reading {
    can_open: bool,
    can_close: bool,
}

fn reading(chars: &[char], m: Mark) -> Reading {
    let c = m.c;
    let prev = m.at.checked_sub(1).and_then(|j| chars.get(j)).copied();
    let next = chars.get(m.at + m.len).copied();
    // A mark with space on both sides (« oui », typographic ’ ”) is read
    // from what is open: it closes when it can, else opens.
    let isolated = is_space(prev) && is_space(next);
    let left = !is_space(next) && (is_space(prev) || prev.is_some_and(is_opening_context));
    let right = !is_space(prev) && (is_space(next) || is_punct(next));
    Reading {
        can_open: !only_closes(c) && (left || isolated || only_opens(c)),
        can_close: !only_opens(c) && (right || isolated || only_closes(c)),
    }
}

/// True when the ’ or ' at `i` is an apostrophe in any reading.
fn is_apostrophe(chars: &[char], i: usize) -> bool {
    let c = chars[i];
    if !matches!(c, '’' | '\'' | '‘') {
        return false;
    }
    let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
    let next = chars.get(i + 1).copied();
    let letter = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    // don’t, O’Brien, rock’n’roll
    if c != '‘' && letter(prev) && letter(next) {
        return true;
    }
    // ’90s, ’em, ’til
    if is_space(prev) && next.is_some_and(|n| n.is_ascii_digit()) {
        return true;
    }
    if is_space(prev) && letter(next) {
        let word: String = chars[i + 1..]
            .iter()
            .take_while(|c| c.is_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        // `Sophie in ’t Veld`: the Dutch article.
        return matches!(
            word.as_str(),
            "em" | "til" | "cause" | "twas" | "tis" | "n" | "t"
        );
    }
    false
}

/// An opening mark waiting for its closer.
#[derive(Clone, Copy, Debug)]
struct Open {
    mark: char,
    start: usize,
    continues: bool,
}

/// All quotations of `chars` (the article text as code points), sorted by
/// start. Nested quotations follow the quotation holding them.
///
/// ```
/// use marginalia::analysis::suggest::quotes::find;
/// let chars: Vec<char> = "“Yes,” he said, “and ‘no’ too.”".chars().collect();
/// let q = find(&chars);
/// assert_eq!(q.len(), 3);
/// assert_eq!((q[0].start, q[0].end, q[0].depth), (0, 6, 0));
/// assert_eq!((q[1].start, q[1].end, q[1].depth), (16, 31, 0));
/// assert_eq!((q[2].start, q[2].end, q[2].depth), (21, 25, 1));
/// ```
pub fn find(chars: &[char]) -> Vec<Quotation> {
    let mut out = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            i = paragraph_end(chars, i, &mut stack, &mut out);
            continue;
        }
        // Typewriter doubles: ''…'' (as some newspapers write) and ``…''.
        let next = chars.get(i + 1).copied();
        let m = match (c, next) {
            ('\'', Some('\'')) => Mark {
                at: i,
                len: 2,
                c: '"',
            },
            ('`', Some('`')) => Mark {
                at: i,
                len: 2,
                c: '“',
            },
            _ => Mark { at: i, len: 1, c },
        };
        if is_mark(m.c) && (m.len == 2 || !is_apostrophe(chars, i)) {
            step(chars, m, &mut stack, &mut out);
        }
        i += m.len;
    }
    close_all(&mut stack, chars.len(), chars, &mut out);
    out.sort_by_key(|q| (q.start, std::cmp::Reverse(q.end)));
    out
}

/// A quotation mark: where, how many characters (2 for `''`), and which
/// mark it reads as.
#[derive(Clone, Copy, Debug)]
struct Mark {
    at: usize,
    len: usize,
    c: char,
}

/// One mark: close an open quotation or open a new one.
fn step(chars: &[char], m: Mark, stack: &mut Vec<Open>, out: &mut Vec<Quotation>) {
    let c = m.c;
    let r = reading(chars, m);
    let closable = stack
        .iter()
        .rposition(|o| closers(o.mark).contains(&c) && o.start + 1 < m.at)
        // A single mark never closes across an open double quotation.
        .filter(|&at| {
            !(is_single_mark(c) && stack[at + 1..].iter().any(|o| !is_single_mark(o.mark)))
        });
    let is_apostrophe_like = m.len == 1 && (c == '’' || c == '\'');
    let end = m.at + m.len;
    match closable {
        // A mark that can do both closes what it matches (`.’”` closes two).
        Some(at) if r.can_close => close(stack, at, end, out),
        // A closing mark glued to the next word (“Yes”said) still closes.
        Some(at) if !r.can_open && !is_single_mark(c) => close(stack, at, end, out),
        // A ’ after a letter with nothing to close is a possessive apostrophe.
        _ if is_apostrophe_like && !r.can_open => {}
        _ if r.can_open && !closers(c).is_empty() => stack.push(Open {
            mark: c,
            start: m.at,
            continues: false,
        }),
        _ => {}
    }
}

/// Close the quotation opened by `stack[at]` with a mark ending at `end`;
/// the ones opened after it and still open were not quotations.
fn close(stack: &mut Vec<Open>, at: usize, end: usize, out: &mut Vec<Quotation>) {
    for dropped in stack.drain(at + 1..) {
        lift_out_of(dropped, out);
    }
    if let Some(open) = stack.pop() {
        out.push(Quotation {
            start: open.start,
            end,
            depth: stack.len(),
            is_closed: true,
            is_single: is_single_mark(open.mark),
            continues: open.continues,
        });
    }
}

/// At the line break at `i`: quotations still open either continue into the
/// next paragraph (when it opens with the same mark) or end here. Returns
/// where scanning resumes.
fn paragraph_end(
    chars: &[char],
    i: usize,
    stack: &mut Vec<Open>,
    out: &mut Vec<Quotation>,
) -> usize {
    // The next paragraph's first non-space character.
    let mut j = i;
    while j < chars.len() && chars[j].is_whitespace() {
        j += 1;
    }
    let Some(outer) = stack.first().copied() else {
        return i + 1;
    };
    let reopen_len = match (chars.get(j), chars.get(j + 1)) {
        (Some('\''), Some('\'')) if outer.mark == '"' => 2,
        (Some('`'), Some('`')) if outer.mark == '“' => 2,
        (Some(c), _) if *c == outer.mark => 1,
        _ => 0,
    };
    if !is_single_mark(outer.mark) && reopen_len > 0 {
        // This paragraph's part ends here; the next one, opening with the
        // mark again, continues it. Inner quotations do not run over.
        let mut end = i;
        while end > outer.start && chars[end - 1].is_whitespace() {
            end -= 1;
        }
        out.push(Quotation {
            start: outer.start,
            end,
            depth: 0,
            is_closed: false,
            is_single: false,
            continues: outer.continues,
        });
        stack.truncate(1);
        stack[0] = Open {
            mark: outer.mark,
            start: j,
            continues: true,
        };
        return j + reopen_len;
    }
    close_all(stack, i, chars, out);
    i + 1
}

/// A mark that opened no quotation after all (`in ’t Veld`, a stray
/// apostrophe): the quotations found inside it are one level less deep.
fn lift_out_of(dropped: Open, out: &mut [Quotation]) {
    for q in out.iter_mut().filter(|q| q.start > dropped.start) {
        q.depth = q.depth.saturating_sub(1);
    }
}

/// End every open quotation at `end`: double ones as unterminated
/// quotations, single ones dropped.
fn close_all(stack: &mut Vec<Open>, end: usize, chars: &[char], out: &mut Vec<Quotation>) {
    let mut end = end;
    while end > 0 && chars.get(end - 1).is_some_and(|c| c.is_whitespace()) {
        end -= 1;
    }
    while let Some(open) = stack.pop() {
        if is_single_mark(open.mark) || end <= open.start + 1 {
            lift_out_of(open, out);
            continue;
        }
        out.push(Quotation {
            start: open.start,
            end,
            depth: stack.len(),
            is_closed: false,
            is_single: false,
            continues: open.continues,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quotations of `text` as strings, outermost first.
    fn quoted(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        find(&chars)
            .iter()
            .map(|q| chars[q.start..q.end].iter().collect())
            .collect()
    }

    #[test]
    fn every_style_is_paired() {
        for (text, want) in [
            ("He said “yes” twice.", "“yes”"),
            ("He said ‘yes’ twice.", "‘yes’"),
            ("He said \"yes\" twice.", "\"yes\""),
            ("He said 'yes' twice.", "'yes'"),
            ("Er sagte „ja“ zweimal.", "„ja“"),
            ("Powiedział „tak” dwa razy.", "„tak”"),
            ("Il a dit « oui » deux fois.", "« oui »"),
            ("Il a dit ‹ oui › deux fois.", "‹ oui ›"),
            ("Han sagde »ja« to gange.", "»ja«"),
            ("彼は「はい」と言った。", "「はい」"),
            ("彼は『はい』と言った。", "『はい』"),
        ] {
            assert_eq!(quoted(text), vec![want.to_owned()], "{text}");
        }
    }

    #[test]
    fn apostrophes_are_not_quotation_marks() {
        assert_eq!(
            quoted("Clinton’s aides don’t say the voters’ choice was O’Brien’s in the ’90s."),
            Vec::<String>::new()
        );
        assert_eq!(
            quoted("Clinton's aides don't say the voters' choice was O'Brien's."),
            Vec::<String>::new()
        );
        assert_eq!(
            quoted("“Trump’s plan isn’t ‘serious,’ ” she said of the voters’ mood."),
            vec!["“Trump’s plan isn’t ‘serious,’ ”", "‘serious,’"]
        );
    }

    #[test]
    fn a_dutch_t_is_no_quotation_mark_and_a_stray_mark_leaves_its_quotations_on_top() {
        let text = "\"We are late,\" said Anna in 't Hout, an MEP. \"It's a risk.\"";
        let chars: Vec<char> = text.chars().collect();
        let q = find(&chars);
        let top: Vec<String> = q
            .iter()
            .filter(|q| q.depth == 0)
            .map(|q| chars[q.start..q.end].iter().collect())
            .collect();
        assert_eq!(top, ["\"We are late,\"", "\"It's a risk.\""]);
        assert_eq!(
            quoted("Mr. van ’t Hek met Ms. in ’t Veld."),
            Vec::<String>::new()
        );
        // A single mark that never closes (`'Hout`) was no quotation: what
        // it seemed to hold is at the top level.
        let chars: Vec<char> = "He met 'Hout. \"It's a risk.\"".chars().collect();
        let q = find(&chars);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].depth, 0);
    }

    #[test]
    fn nested_quotations_keep_their_outer_quotation_whole() {
        assert_eq!(
            quoted("“He told me, ‘I will win,’ and left,” she said."),
            vec!["“He told me, ‘I will win,’ and left,”", "‘I will win,’"]
        );
        let chars: Vec<char> = "\"They said 'no.'\" he wrote".chars().collect();
        let q = find(&chars);
        assert_eq!(q.len(), 2);
        assert_eq!(q[1].depth, 1);
        assert_eq!(
            chars[q[0].start..q[0].end].iter().collect::<String>(),
            "\"They said 'no.'\""
        );
    }

    #[test]
    fn a_quotation_runs_over_paragraphs_when_the_next_one_opens_with_its_mark() {
        let text = "He said: “First part.\n\n“Second part.\n\n“Third part.”\n\nAfter.";
        let chars: Vec<char> = text.chars().collect();
        let q = find(&chars);
        assert_eq!(
            quoted(text),
            vec!["“First part.", "“Second part.", "“Third part.”"]
        );
        assert_eq!(
            q.iter()
                .map(|q| (q.is_closed, q.continues))
                .collect::<Vec<_>>(),
            [(false, false), (false, true), (true, true)]
        );
        let straight = "He said: ''First part.\n\n''Second part.''\n\nAfter.";
        assert_eq!(quoted(straight), vec!["''First part.", "''Second part.''"]);
    }

    #[test]
    fn an_unclosed_quotation_ends_with_its_paragraph() {
        let chars: Vec<char> = "He said “we will win.\n\nNext paragraph.".chars().collect();
        let q = find(&chars);
        assert_eq!(q.len(), 1);
        assert!(!q[0].is_closed);
        assert_eq!(
            chars[q[0].start..q[0].end].iter().collect::<String>(),
            "“we will win."
        );
        // A single mark left open is an apostrophe, not a quotation.
        assert_eq!(quoted("the ‘old days\n\nNext."), Vec::<String>::new());
    }

    #[test]
    fn typewriter_doubles_are_quotation_marks() {
        assert_eq!(
            quoted("''We will win,'' Ms. White said, ``and soon.''"),
            vec!["''We will win,''", "``and soon.''"]
        );
    }

    #[test]
    fn split_quotations_are_two() {
        assert_eq!(
            quoted("“We will win,” he said, “and soon.”"),
            vec!["“We will win,”", "“and soon.”"]
        );
        assert_eq!(
            quoted("\"We will win,\" he said, \"and soon.\""),
            vec!["\"We will win,\"", "\"and soon.\""]
        );
    }

    #[test]
    fn marks_after_brackets_and_dashes_open() {
        assert_eq!(quoted("(“yes”) and —“no”"), vec!["“yes”", "“no”"]);
    }
}
