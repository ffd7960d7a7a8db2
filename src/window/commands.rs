//! Every command of the window, declared once.
//!
//! A row of [`COMMANDS`] gives a [`Command`] its label, its help text, its
//! default keys, the [`Scope`]s its keys work in, what it [`Needs`] to be
//! enabled, and where it shows (a menu, the toolbar). The [`Keymap`] (keys
//! → commands, with the label schema's tag keys), the menus (with
//! `Button::shortcut_text`), the toolbar, the help overlay (F1) and the
//! schema's key check all read this table, so none of them can disagree.
//!
//! # Scopes
//! Keys are read at the start of a frame, before any widget, in the scope the
//! keyboard is in ([`Scope`]): a modal dialog open wins, then the find box,
//! then any other text field, then review mode, else the article. A key only
//! runs a command whose row lists that scope. In a text field, a key that
//! types or moves the caret (see [`types_in_field`]) always stays with the
//! field, so `?` types a question mark while F1 still opens the help.
//!
//! # Adding a command
//! 1. Add one row to the `commands!` table below: the variant's doc comment,
//!    then `label`, `help`, `keys`, `scopes`, `needs`, and optionally `menu`,
//!    `section`, `toolbar` and `checked`. The row order is the menu, toolbar
//!    and help order.
//! 2. Add its handler: one arm in `MarginaliaApp::run` (`app.rs`). That match
//!    is exhaustive, so the compiler points there.
//!
//! The unit tests check that no two keys collide in a shared scope, and the
//! GUI test `every_command_runs_only_in_its_scopes` presses every key of the
//! table in every scope.
use crate::model::annotation::Label;
use crate::store::schema::Schema;
use eframe::egui;
use egui::{Event, Key, KeyboardShortcut, Modifiers};
use std::path::PathBuf;

/// Where the keyboard is, as far as commands care. Exactly one holds at a time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Nothing is typed into: the article view, the lists, the buttons.
    #[default]
    Article,
    /// Review mode is on and nothing is typed into.
    Review,
    /// The find box has focus.
    Find,
    /// Another text field (note, kind, filters, author) has focus.
    Text,
    /// A modal dialog (or the help overlay) is open: the window behind it
    /// takes no commands.
    Modal,
}

impl Scope {
    /// Every scope, in the order the help lists them.
    pub const ALL: [Scope; 5] = [
        Scope::Article,
        Scope::Review,
        Scope::Find,
        Scope::Text,
        Scope::Modal,
    ];

    /// The name shown in the help overlay.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Article => "article",
            Scope::Review => "review",
            Scope::Find => "find box",
            Scope::Text => "text field",
            Scope::Modal => "dialog",
        }
    }

    const fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// A set of [`Scope`]s.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Scopes(u8);

impl Scopes {
    /// No scope: the command has no keys (menus and buttons only).
    pub const NONE: Scopes = Scopes(0);
    /// The article and review mode: keys that would type into a field.
    pub const NOT_TYPING: Scopes = Scopes(Scope::Article.bit() | Scope::Review.bit());
    /// Review mode only.
    pub const REVIEW: Scopes = Scopes(Scope::Review.bit());
    /// Only while the find box has focus.
    pub const FIND: Scopes = Scopes(Scope::Find.bit());
    /// Everywhere except behind a modal dialog.
    pub const NOT_MODAL: Scopes =
        Scopes(Scope::Article.bit() | Scope::Review.bit() | Scope::Find.bit() | Scope::Text.bit());
    /// Everywhere, even with a dialog open.
    pub const EVERYWHERE: Scopes = Scopes(Self::NOT_MODAL.0 | Scope::Modal.bit());

    /// True when `scope` is in the set.
    pub fn contains(self, scope: Scope) -> bool {
        self.0 & scope.bit() != 0
    }

    /// True when the sets share a scope.
    pub fn overlaps(self, other: Scopes) -> bool {
        self.0 & other.0 != 0
    }

    /// "article · review", or "menus only" for the empty set.
    pub fn describe(self) -> String {
        if self == Scopes::EVERYWHERE {
            return "everywhere".to_owned();
        }
        let names: Vec<&str> = Scope::ALL
            .into_iter()
            .filter(|s| self.contains(*s))
            .map(Scope::name)
            .collect();
        if names.is_empty() {
            "menus only".to_owned()
        } else {
            names.join(" · ")
        }
    }
}

/// What the window looks like to the table: enough to say which commands
/// are enabled and which toggles are on. Built by the app each frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Situation {
    /// An article is open.
    pub has_doc: bool,
    /// Some article text is selected.
    pub has_selection: bool,
    /// An annotation is selected.
    pub has_selected: bool,
    /// The history has something to undo.
    pub can_undo: bool,
    /// ... and to redo.
    pub can_redo: bool,
    /// Review mode is on.
    pub review: bool,
    /// A folder is open (corpus mode).
    pub corpus: bool,
    /// Autosave is on.
    pub autosave: bool,
    /// Mouse selections snap to words.
    pub snap: bool,
    /// The dark theme is on.
    pub dark: bool,
}

/// What a command needs to be enabled; also says what to do when it is not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    /// Always enabled.
    Nothing,
    /// An open article.
    Doc,
    /// Selected text or a selected annotation.
    Target,
    /// A selected annotation.
    Selected,
    /// Something to undo.
    Undo,
    /// Something to redo.
    Redo,
    /// Review mode.
    Review,
    /// An open folder.
    Corpus,
}

impl Needs {
    /// True when `s` meets the need.
    pub fn holds(self, s: &Situation) -> bool {
        match self {
            Needs::Nothing => true,
            Needs::Doc => s.has_doc,
            Needs::Target => s.has_selection || s.has_selected,
            Needs::Selected => s.has_selected,
            Needs::Undo => s.can_undo,
            Needs::Redo => s.can_redo,
            Needs::Review => s.review && s.has_doc,
            Needs::Corpus => s.corpus,
        }
    }

    /// What the user can do about it (tooltips of disabled items, status bar).
    pub fn hint(self) -> &'static str {
        match self {
            Needs::Nothing => "",
            Needs::Doc => "Open an article first",
            Needs::Target => "Select some text or an annotation first",
            Needs::Selected => "Select an annotation first",
            Needs::Undo => "Nothing to undo",
            Needs::Redo => "Nothing to redo",
            Needs::Review => "Only in review mode (Ctrl+R)",
            Needs::Corpus => "Open a folder first (File ▸ Open folder…)",
        }
    }
}

/// The menus of the menu bar, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Menu {
    /// Not in a menu.
    None,
    /// File.
    File,
    /// Edit.
    Edit,
    /// Review.
    Review,
    /// View.
    View,
    /// Help.
    Help,
}

impl Menu {
    /// The menus with items, in menu-bar order.
    pub const BAR: [Menu; 5] = [Menu::File, Menu::Edit, Menu::Review, Menu::View, Menu::Help];

    /// The menu's title.
    pub fn title(self) -> &'static str {
        match self {
            Menu::None => "",
            Menu::File => "File",
            Menu::Edit => "Edit",
            Menu::Review => "Review",
            Menu::View => "View",
            Menu::Help => "Help",
        }
    }
}

/// One row of the table.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// The command.
    pub command: Command,
    /// Its name in menus, buttons and the help ("Save", "Tag as Entity").
    pub label: &'static str,
    /// What it does, for the help overlay and tooltips.
    pub help: &'static str,
    /// Default keys; the first is the one menus show.
    pub keys: &'static [KeyboardShortcut],
    /// Where its keys work.
    pub scopes: Scopes,
    /// When it is enabled.
    pub needs: Needs,
    /// The menu it is listed in.
    pub menu: Menu,
    /// Items of one menu with different sections get a separator between them.
    pub section: u8,
    /// Shown as a toolbar button.
    pub toolbar: bool,
    /// For toggles: whether it is on.
    pub checked: Option<fn(&Situation) -> bool>,
}

impl Spec {
    const DEFAULT: Spec = Spec {
        command: Command::Open,
        label: "",
        help: "",
        keys: &[],
        scopes: Scopes::NONE,
        needs: Needs::Nothing,
        menu: Menu::None,
        section: 0,
        toolbar: false,
        checked: None,
    };
}

const fn k(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}
const NONE: Modifiers = Modifiers::NONE;
const CTRL: Modifiers = Modifiers::COMMAND;
const SHIFT: Modifiers = Modifiers::SHIFT;
const ALT: Modifiers = Modifiers::ALT;
const CTRL_SHIFT: Modifiers = Modifiers::COMMAND.plus(Modifiers::SHIFT);
const ALT_SHIFT: Modifiers = Modifiers::ALT.plus(Modifiers::SHIFT);
const CTRL_ALT: Modifiers = Modifiers::COMMAND.plus(Modifiers::ALT);

/// Declares [`Command`] and [`COMMANDS`] from one list of rows, so a command
/// and its row cannot exist apart. Fields left out take [`Spec::DEFAULT`].
macro_rules! commands {
    ($( $(#[doc = $doc:literal])* $name:ident { $($field:ident : $value:expr),* $(,)? } )*) => {
        /// Everything the user can ask the window to do (one row of
        /// [`COMMANDS`] each; `command as usize` is the row's index).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Command {
            $( $(#[doc = $doc])* $name, )*
        }

        /// The command table, in menu, toolbar and help order.
        pub static COMMANDS: &[Spec] = &[
            $( Spec { command: Command::$name, $($field: $value,)* ..Spec::DEFAULT }, )*
        ];
    };
}

commands! {
    /// Pick an article to open.
    Open {
        label: "Open…", help: "open an article",
        keys: &[k(CTRL, Key::O)], scopes: Scopes::NOT_MODAL, menu: Menu::File,
    }
    /// Pick a folder and list its articles (corpus mode).
    OpenFolder {
        label: "Open folder…", help: "list the articles of a folder on the left",
        menu: Menu::File,
    }
    /// Open the bundled sample article.
    OpenSample {
        label: "Open the sample article", help: "the bundled sample, to try things out",
        menu: Menu::File,
    }
    /// Read the open article again with another encoding.
    ReopenWithEncoding {
        label: "Reopen with Encoding…",
        help: "read the article again with another encoding (the annotations are re-anchored when the text reads otherwise)",
        needs: Needs::Doc, menu: Menu::File,
    }
    /// Import pre-annotations for the open article.
    Import {
        label: "Import pre-annotations…",
        help: "spaCy or doccano JSONL, or a brat .ann, for this article; added as unreviewed",
        needs: Needs::Doc, menu: Menu::File,
    }
    /// Save the sidecar now.
    Save {
        label: "Save", help: "save the sidecar (a field being typed in is kept first)",
        keys: &[k(CTRL, Key::S)], scopes: Scopes::NOT_MODAL, needs: Needs::Doc,
        menu: Menu::File, section: 1, toolbar: true,
    }
    /// Save the sidecar under another name.
    SaveAs {
        label: "Save As…", help: "save the sidecar under another name",
        keys: &[k(CTRL_SHIFT, Key::S)], scopes: Scopes::NOT_MODAL, needs: Needs::Doc,
        menu: Menu::File, section: 1,
    }
    /// Save about a second after each change.
    ToggleAutosave {
        label: "Autosave", help: "save about a second after the last change",
        menu: Menu::File, section: 1, checked: Some(|s| s.autosave),
    }
    /// Close the window (unsaved work is saved first).
    Quit {
        label: "Quit", help: "close the window; unsaved work is saved first",
        keys: &[k(CTRL, Key::Q)], scopes: Scopes::NOT_MODAL, menu: Menu::File, section: 2,
    }
    /// Undo the last edit.
    Undo {
        label: "Undo", help: "undo the last edit (in a text field: the typing)",
        keys: &[k(CTRL, Key::Z)], scopes: Scopes::NOT_TYPING, needs: Needs::Undo,
        menu: Menu::Edit, toolbar: true,
    }
    /// Redo the last undone edit.
    Redo {
        label: "Redo", help: "redo the last undone edit",
        keys: &[k(CTRL_SHIFT, Key::Z), k(CTRL, Key::Y)], scopes: Scopes::NOT_TYPING,
        needs: Needs::Redo, menu: Menu::Edit, toolbar: true,
    }
    /// Tag the selection as an entity, or relabel the selected annotation.
    TagEntity {
        label: "Entity", help: "tag the selection as Entity (or relabel the selected annotation)",
        keys: &[k(NONE, Key::E), k(NONE, Key::Num1)], scopes: Scopes::NOT_TYPING,
        needs: Needs::Target, menu: Menu::Edit, section: 1, toolbar: true,
    }
    /// Tag as a claim.
    TagClaim {
        label: "Claim", help: "tag the selection as Claim (or relabel)",
        keys: &[k(NONE, Key::C), k(NONE, Key::Num2)], scopes: Scopes::NOT_TYPING,
        needs: Needs::Target, menu: Menu::Edit, section: 1, toolbar: true,
    }
    /// Tag as a quote.
    TagQuote {
        label: "Quote", help: "tag the selection as Quote (or relabel)",
        keys: &[k(NONE, Key::Q), k(NONE, Key::Num3)], scopes: Scopes::NOT_TYPING,
        needs: Needs::Target, menu: Menu::Edit, section: 1, toolbar: true,
    }
    /// Link the selected quote or claim to its speaker.
    LinkSpeaker {
        label: "Link speaker", help: "link the selected quote or claim to its speaker, then pick the entity",
        keys: &[k(NONE, Key::L)], scopes: Scopes::NOT_TYPING, needs: Needs::Selected,
        menu: Menu::Edit, section: 1,
    }
    /// Delete the selected annotation.
    Delete {
        label: "Delete annotation", help: "delete the selected annotation",
        keys: &[k(NONE, Key::Delete)], scopes: Scopes::NOT_TYPING, needs: Needs::Selected,
        menu: Menu::Edit, section: 1,
    }
    /// Move the start of the selected annotation one character earlier in
    /// the text (left in English, right in Persian: moves are logical).
    StartLeft {
        label: "Start ◀", help: "move the start of the selected annotation one character earlier in the text",
        keys: &[k(ALT_SHIFT, Key::ArrowLeft), k(CTRL_SHIFT, Key::ArrowLeft)],
        scopes: Scopes::NOT_TYPING, needs: Needs::Selected,
    }
    /// ... right.
    StartRight {
        label: "Start ▶", help: "move the start one character later in the text",
        keys: &[k(ALT_SHIFT, Key::ArrowRight), k(CTRL_SHIFT, Key::ArrowRight)],
        scopes: Scopes::NOT_TYPING, needs: Needs::Selected,
    }
    /// Move the end of the selected annotation one character earlier in the text.
    EndLeft {
        label: "End ◀", help: "move the end of the selected annotation one character earlier in the text",
        keys: &[k(SHIFT, Key::ArrowLeft)], scopes: Scopes::NOT_TYPING, needs: Needs::Selected,
    }
    /// ... right.
    EndRight {
        label: "End ▶", help: "move the end one character later in the text",
        keys: &[k(SHIFT, Key::ArrowRight)], scopes: Scopes::NOT_TYPING, needs: Needs::Selected,
    }
    /// Open the find bar and focus it.
    Find {
        label: "Find…", help: "find text (case-insensitive)",
        keys: &[k(CTRL, Key::F)], scopes: Scopes::NOT_MODAL, needs: Needs::Doc,
        menu: Menu::Edit, section: 2, toolbar: true,
    }
    /// Select the next match of the find query.
    FindNext {
        label: "Find next", help: "select the next match",
        keys: &[k(NONE, Key::F3)], scopes: Scopes::NOT_MODAL, needs: Needs::Doc,
        menu: Menu::Edit, section: 2,
    }
    /// Select the previous match.
    FindPrevious {
        label: "Find previous", help: "select the previous match",
        keys: &[k(SHIFT, Key::F3)], scopes: Scopes::NOT_MODAL, needs: Needs::Doc,
        menu: Menu::Edit, section: 2,
    }
    /// Enter in the find box: select the next match and leave the box, so
    /// tag keys then tag it.
    FindFromBox {
        label: "Find next and leave the box", help: "select the next match; E/C/Q then tag it",
        keys: &[k(NONE, Key::Enter)], scopes: Scopes::FIND, needs: Needs::Doc,
    }
    /// Shift+Enter in the find box.
    FindPreviousFromBox {
        label: "Find previous and leave the box", help: "select the previous match",
        keys: &[k(SHIFT, Key::Enter)], scopes: Scopes::FIND, needs: Needs::Doc,
    }
    /// Close the topmost thing: a dialog, the help, linking, the find bar,
    /// a text field (keeping what was typed); else clear the selection.
    Escape {
        label: "Close / leave", help: "close a dialog, the help or find; leave a text field (keeping its text); clear the selection",
        keys: &[k(NONE, Key::Escape)], scopes: Scopes::EVERYWHERE,
    }
    /// Suggest quotes, claims, speakers and cues for the open article.
    Suggest {
        label: "Suggest",
        help: "suggest quotes, claims, their speakers and cues, and every occurrence of accepted entities (in the background; added as unreviewed)",
        needs: Needs::Doc, menu: Menu::Review,
    }
    /// Pick a suggester: the rules, the user's own, the folder's (confirmed first).
    SuggestWith {
        label: "Suggest with…",
        help: "pick a suggester: the rules, your own (preferences) or the folder's marginalia.ron (asks before its first run)",
        needs: Needs::Doc, menu: Menu::Review,
    }
    /// Edit the user's own suggesters and cue file.
    EditSuggesters {
        label: "Suggesters…",
        help: "add, edit or remove your own suggesters (name, command, time limit), run one once to try it, and pick a cue file for the rules",
        menu: Menu::Review,
    }
    /// Suggest the selected entity at every other occurrence of its text.
    SuggestOccurrences {
        label: "Suggest every occurrence",
        help: "suggest the selected entity's label and kind at every other whole-word occurrence (unreviewed); on anything else, tag like E",
        keys: &[k(SHIFT, Key::E)], scopes: Scopes::NOT_TYPING, needs: Needs::Target,
        menu: Menu::Edit,
    }
    /// Enter or leave review mode.
    ToggleReview {
        label: "Review mode", help: "step through annotations and accept or reject them",
        keys: &[k(CTRL, Key::R)], scopes: Scopes::NOT_MODAL, needs: Needs::Doc,
        menu: Menu::Review, toolbar: true, checked: Some(|s| s.review),
    }
    /// Review: the next annotation of the queue.
    ReviewNext {
        label: "Next", help: "review: next annotation",
        keys: &[k(NONE, Key::J), k(NONE, Key::N)], scopes: Scopes::REVIEW,
        needs: Needs::Review, menu: Menu::Review, section: 1,
    }
    /// Review: the previous annotation.
    ReviewPrevious {
        label: "Previous", help: "review: previous annotation",
        keys: &[k(NONE, Key::K), k(NONE, Key::P)], scopes: Scopes::REVIEW,
        needs: Needs::Review, menu: Menu::Review, section: 1,
    }
    /// Review: the next unreviewed annotation.
    ReviewNextUnreviewed {
        label: "Next unreviewed", help: "review: jump to the next unreviewed annotation",
        keys: &[k(NONE, Key::Space), k(NONE, Key::CloseBracket)], scopes: Scopes::REVIEW,
        needs: Needs::Review, menu: Menu::Review, section: 1,
    }
    /// Review: accept the current annotation.
    Accept {
        label: "Accept", help: "review: accept the current annotation and move on",
        keys: &[k(NONE, Key::A)], scopes: Scopes::REVIEW, needs: Needs::Review,
        menu: Menu::Review, section: 2,
    }
    /// Review: reject it.
    Reject {
        label: "Reject", help: "review: reject the current annotation and move on",
        keys: &[k(NONE, Key::R)], scopes: Scopes::REVIEW, needs: Needs::Review,
        menu: Menu::Review, section: 2,
    }
    /// Review: accept the current quote or claim with its speaker and cue.
    AcceptWithLinks {
        label: "Accept with speaker and cue",
        help: "review: accept the current quote or claim, its fragments, speaker and cue in one step, and move on",
        keys: &[k(SHIFT, Key::A)], scopes: Scopes::REVIEW, needs: Needs::Review,
        menu: Menu::Review, section: 2,
    }
    /// Review: take back the last decision.
    UndoDecision {
        label: "Undo decision", help: "review: undo the last decision and go back to it",
        keys: &[k(NONE, Key::U)], scopes: Scopes::REVIEW, needs: Needs::Review,
        menu: Menu::Review, section: 2,
    }
    /// Review: put the keyboard in the note field (Esc leaves it, keeping the note).
    EditNote {
        label: "Edit note", help: "review: type a note on the current annotation (Esc leaves, keeping it)",
        keys: &[k(NONE, Key::Enter)], scopes: Scopes::REVIEW, needs: Needs::Selected,
        menu: Menu::Review, section: 2,
    }
    /// Confirm every Moved annotation of the open article that still sits on
    /// its quote (re-anchored, not certain), as one undoable step.
    ConfirmMoved {
        label: "Confirm all moved",
        help: "mark every Moved annotation still on its quote as exact (one undo step)",
        needs: Needs::Doc, menu: Menu::Review, section: 3,
    }
    /// Open the next article of the folder.
    NextDocument {
        label: "Next article", help: "open the next article of the folder",
        keys: &[k(ALT, Key::ArrowRight), k(CTRL, Key::PageDown)], scopes: Scopes::NOT_MODAL,
        needs: Needs::Corpus, menu: Menu::File, section: 3,
    }
    /// Open the previous article of the folder.
    PreviousDocument {
        label: "Previous article", help: "open the previous article of the folder",
        keys: &[k(ALT, Key::ArrowLeft), k(CTRL, Key::PageUp)], scopes: Scopes::NOT_MODAL,
        needs: Needs::Corpus, menu: Menu::File, section: 3,
    }
    /// Open the next article of the folder without annotations.
    NextUnannotated {
        label: "Next unannotated article", help: "open the next article of the folder that has no annotations",
        keys: &[k(CTRL_ALT, Key::ArrowRight)], scopes: Scopes::NOT_TYPING,
        needs: Needs::Corpus, menu: Menu::File, section: 3,
    }
    /// Bigger text (article and panels).
    ZoomIn {
        label: "Bigger text", help: "bigger text, in the article and the panels",
        keys: &[k(CTRL, Key::Equals), k(CTRL, Key::Plus)], scopes: Scopes::EVERYWHERE,
        menu: Menu::View,
    }
    /// Smaller text.
    ZoomOut {
        label: "Smaller text", help: "smaller text",
        keys: &[k(CTRL, Key::Minus)], scopes: Scopes::EVERYWHERE, menu: Menu::View,
    }
    /// The default text size.
    ZoomReset {
        label: "Default text size", help: "the default text size",
        keys: &[k(CTRL, Key::Num0)], scopes: Scopes::EVERYWHERE, menu: Menu::View,
    }
    /// Switch light/dark.
    ToggleTheme {
        label: "Dark theme", help: "switch between the light and the dark theme",
        keys: &[k(CTRL, Key::T)], scopes: Scopes::EVERYWHERE, menu: Menu::View,
        checked: Some(|s| s.dark),
    }
    /// Snap mouse selections to whole words.
    ToggleSnap {
        label: "Snap selections to words", help: "mouse selections grow to whole words (hold Alt for exact characters)",
        menu: Menu::View, section: 1, checked: Some(|s| s.snap),
    }
    /// Scroll the article down by a screen (keeping two lines in view).
    PageDown {
        label: "Page down", help: "scroll the article down by a screen",
        keys: &[k(NONE, Key::PageDown)], scopes: Scopes::NOT_TYPING, needs: Needs::Doc,
    }
    /// Scroll the article up by a screen.
    PageUp {
        label: "Page up", help: "scroll the article up by a screen",
        keys: &[k(NONE, Key::PageUp)], scopes: Scopes::NOT_TYPING, needs: Needs::Doc,
    }
    /// Scroll to the article's start.
    ScrollToStart {
        label: "Start of the article", help: "scroll to the start of the article",
        keys: &[k(CTRL, Key::Home), k(NONE, Key::Home)], scopes: Scopes::NOT_TYPING,
        needs: Needs::Doc,
    }
    /// Scroll to the article's end.
    ScrollToEnd {
        label: "End of the article", help: "scroll to the end of the article",
        keys: &[k(CTRL, Key::End), k(NONE, Key::End)], scopes: Scopes::NOT_TYPING,
        needs: Needs::Doc,
    }
    /// Show or hide the shortcut list.
    Help {
        label: "Keyboard shortcuts", help: "this list",
        keys: &[k(NONE, Key::F1), k(NONE, Key::Questionmark)], scopes: Scopes::NOT_MODAL,
        menu: Menu::Help, toolbar: true,
    }
}

impl Command {
    /// The command's row.
    pub fn spec(self) -> &'static Spec {
        &COMMANDS[self as usize]
    }

    /// The label a tag command tags with.
    pub fn tag_label(self) -> Option<Label> {
        match self {
            Command::TagEntity => Some(Label::Entity),
            Command::TagClaim => Some(Label::Claim),
            Command::TagQuote => Some(Label::Quote),
            _ => None,
        }
    }

    /// The tag command of `label`.
    pub fn tag(label: Label) -> Command {
        match label {
            Label::Entity => Command::TagEntity,
            Label::Claim => Command::TagClaim,
            Label::Quote => Command::TagQuote,
        }
    }
}

/// True when `chord`, pressed in a text field of `scope`, types or moves the
/// caret, so it must stay with the field: every key without Ctrl/Cmd or Alt
/// and the caret moves egui's text fields use (see
/// `KeyboardShortcut::conflicts_with_text_editing`), except the function keys
/// and Esc, and except Enter in the find box, which has one line.
pub fn types_in_field(chord: &KeyboardShortcut, scope: Scope) -> bool {
    let in_field = matches!(scope, Scope::Find | Scope::Text);
    let never_types = matches!(chord.logical_key, Key::Escape)
        || chord.logical_key.name().starts_with('F') && chord.logical_key.name().len() > 1;
    let single_line_enter = scope == Scope::Find && chord.logical_key == Key::Enter;
    in_field && chord.conflicts_with_text_editing() && !never_types && !single_line_enter
}

/// One key of the keymap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Binding {
    /// The key and its modifiers.
    pub chord: KeyboardShortcut,
    /// What it runs.
    pub command: Command,
}

/// Two commands share a key in a scope. Raised for a label schema's tag
/// keys; the default table has none (a unit test checks).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "{path}: label schema: key \"{key}\" for {label} is already {other} ({other_keys}); \
     using the default tag keys E, C, Q"
)]
pub struct KeyConflict {
    /// The schema file.
    pub path: PathBuf,
    /// The key as written in the schema.
    pub key: char,
    /// The label the schema gave it to.
    pub label: Label,
    /// The command that already has it.
    pub other: &'static str,
    /// That command's keys, as the help shows them.
    pub other_keys: String,
}

/// Keys → commands: the table's default keys, with the tag keys from the
/// label schema.
#[derive(Clone, Debug)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap {
            bindings: COMMANDS
                .iter()
                .flat_map(|s| {
                    s.keys.iter().map(|&chord| Binding {
                        chord,
                        command: s.command,
                    })
                })
                .collect(),
        }
    }
}

impl Keymap {
    /// The keymap for `schema`: its tag keys replace E / C / Q (the digits
    /// 1 / 2 / 3 stay). A schema key may take over another command's second
    /// key (P of review's Previous, which keeps K). When it is another
    /// command's main key (L, or A in review mode), the default tag keys are
    /// kept and the conflict is returned, naming the schema file.
    pub fn for_schema(schema: &Schema) -> (Keymap, Option<KeyConflict>) {
        let mut map = Keymap::default();
        if schema.source.is_none() {
            return (map, None);
        }
        let defaults = map.clone();
        let mut added = Vec::new();
        for label in Label::ALL {
            let c = schema.label(label).key;
            let Some(key) = Key::from_name(&c.to_ascii_uppercase().to_string()) else {
                continue;
            };
            let command = Command::tag(label);
            let chord = k(NONE, key);
            // In place of the default letter, so it stays the key menus show.
            let default_letter = command.spec().keys.first().copied();
            if let Some(b) = map
                .bindings
                .iter_mut()
                .find(|b| b.command == command && Some(b.chord) == default_letter)
            {
                b.chord = chord;
            }
            added.push((label, c, chord));
        }
        for (label, c, chord) in added {
            let command = Command::tag(label);
            while let Some(other) = map.clash(chord, command) {
                if other.spec().keys.first() == Some(&chord) {
                    let conflict = KeyConflict {
                        path: schema.source.clone().unwrap_or_default(),
                        key: c,
                        label,
                        other: other.spec().label,
                        other_keys: defaults.keys_text(other),
                    };
                    return (defaults, Some(conflict));
                }
                // Only a second key of the other command: the schema's key wins.
                map.bindings
                    .retain(|b| !(b.command == other && b.chord == chord));
            }
        }
        (map, None)
    }

    /// Another command bound to `chord` in a scope of `command`.
    fn clash(&self, chord: KeyboardShortcut, command: Command) -> Option<Command> {
        self.bindings
            .iter()
            .find(|o| {
                o.command != command
                    && o.chord == chord
                    && o.command.spec().scopes.overlaps(command.spec().scopes)
            })
            .map(|o| o.command)
    }

    /// Another command sharing a key and a scope with `command`.
    #[cfg(test)]
    fn clashes_with(&self, command: Command) -> Option<Command> {
        self.keys(command)
            .find_map(|chord| self.clash(chord, command))
    }

    /// Every binding, in table order.
    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The keys of `command`, first the one menus show.
    pub fn keys(&self, command: Command) -> impl Iterator<Item = KeyboardShortcut> + '_ {
        self.bindings
            .iter()
            .filter(move |b| b.command == command)
            .map(|b| b.chord)
    }

    /// The key menus and buttons show for `command`.
    pub fn primary(&self, command: Command) -> Option<KeyboardShortcut> {
        self.keys(command).next()
    }

    /// "Ctrl+Shift+Z / Ctrl+Y", as the help shows a command's keys.
    pub fn keys_text(&self, command: Command) -> String {
        self.keys(command)
            .map(|c| chord_text(&c))
            .collect::<Vec<_>>()
            .join(" / ")
    }

    /// The command `event` runs in `scope`, if any: among bindings whose
    /// key matches and whose command runs in `scope`, the one with the most
    /// modifiers (so Ctrl+Shift+Z is Redo, not Undo with Shift held).
    pub fn command_for(&self, key: Key, modifiers: Modifiers, scope: Scope) -> Option<Command> {
        self.bindings
            .iter()
            .filter(|b| {
                b.chord.logical_key == key
                    && modifiers.matches_logically(b.chord.modifiers)
                    && b.command.spec().scopes.contains(scope)
                    && !types_in_field(&b.chord, scope)
            })
            .max_by_key(|b| modifier_count(b.chord.modifiers))
            .map(|b| b.command)
    }

    /// Take this frame's key presses that run a command in `scope` out of
    /// the input, in order, so no widget sees them (a tag key never reaches
    /// the article view, a key typed into a field never tags).
    pub fn take(&self, ctx: &egui::Context, scope: Scope) -> Vec<Command> {
        ctx.input_mut(|input| {
            let mut commands = Vec::new();
            let mut used_text: Vec<String> = Vec::new();
            input.events.retain(|event| {
                let Event::Key {
                    key,
                    pressed: true,
                    modifiers,
                    ..
                } = event
                else {
                    return true;
                };
                let Some(command) = self.command_for(*key, *modifiers, scope) else {
                    return true;
                };
                commands.push(command);
                if !modifiers.command && !modifiers.ctrl && !modifiers.alt {
                    used_text.push(key.symbol_or_name().to_lowercase());
                }
                false
            });
            // A plain key also arrives as typed text; drop that too.
            if !used_text.is_empty() {
                input.events.retain(|event| match event {
                    Event::Text(t) => !used_text.contains(&t.to_lowercase()),
                    _ => true,
                });
            }
            commands
        })
    }
}

fn modifier_count(m: Modifiers) -> usize {
    [m.alt, m.shift, m.ctrl || m.command || m.mac_cmd]
        .into_iter()
        .filter(|b| *b)
        .count()
}

/// A key as the help and the README show it ("Ctrl+Shift+S", "E", "?", "Alt+→").
pub fn chord_text(chord: &KeyboardShortcut) -> String {
    let key = match chord.logical_key {
        Key::ArrowLeft => "←",
        Key::ArrowRight => "→",
        Key::ArrowUp => "↑",
        Key::ArrowDown => "↓",
        Key::Minus => "-",
        Key::PageDown => "PgDn",
        Key::PageUp => "PgUp",
        Key::Delete => "Del",
        Key::Escape => "Esc",
        other => other.symbol_or_name(),
    };
    let mods = egui::ModifierNames::NAMES.format(&chord.modifiers, false);
    if mods.is_empty() {
        key.to_owned()
    } else {
        format!("{mods}+{key}")
    }
}

/// The README's key table: every command with keys, as the help lists it.
/// A unit test keeps the README's copy equal to this.
pub fn key_table_markdown(keymap: &Keymap) -> String {
    let mut out = String::from("| keys | command | what it does | works in |\n|---|---|---|---|\n");
    for spec in COMMANDS.iter().filter(|s| !s.keys.is_empty()) {
        let keys = keymap.keys_text(spec.command).replace('|', "\\|");
        out.push_str(&format!(
            "| {keys} | {} | {} | {} |\n",
            spec.label,
            spec.help,
            spec.scopes.describe()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::schema;
    use std::path::Path;

    #[test]
    fn rows_are_in_enum_order() {
        for (i, spec) in COMMANDS.iter().enumerate() {
            assert_eq!(spec.command as usize, i, "{:?}", spec.command);
            assert!(
                !spec.label.is_empty() && !spec.help.is_empty(),
                "{:?}",
                spec.command
            );
        }
    }

    #[test]
    fn no_two_commands_share_a_key_in_a_scope() {
        let map = Keymap::default();
        for spec in COMMANDS {
            assert_eq!(map.clashes_with(spec.command), None, "{:?}", spec.command);
        }
    }

    #[test]
    fn keys_of_commands_with_no_scope_would_never_run() {
        for spec in COMMANDS {
            assert!(
                spec.keys.is_empty() || spec.scopes != Scopes::NONE,
                "{:?}",
                spec.command
            );
        }
    }

    #[test]
    fn the_most_specific_binding_wins() {
        let map = Keymap::default();
        let at = |m, key| map.command_for(key, m, Scope::Article);
        assert_eq!(at(CTRL_SHIFT, Key::Z), Some(Command::Redo));
        assert_eq!(at(CTRL, Key::Z), Some(Command::Undo));
        assert_eq!(at(ALT_SHIFT, Key::ArrowLeft), Some(Command::StartLeft));
        assert_eq!(at(SHIFT, Key::ArrowLeft), Some(Command::EndLeft));
        assert_eq!(
            at(CTRL_ALT, Key::ArrowRight),
            Some(Command::NextUnannotated)
        );
        // Shift held for a capital letter still tags (C, Q; Shift+E spreads
        // a selected entity and tags anything else, `Workspace::spread_or_tag`).
        assert_eq!(at(SHIFT, Key::C), Some(Command::TagClaim));
        assert_eq!(at(SHIFT, Key::E), Some(Command::SuggestOccurrences));
    }

    #[test]
    fn fields_keep_the_keys_that_type() {
        let map = Keymap::default();
        let text = |m, key| map.command_for(key, m, Scope::Text);
        assert_eq!(text(NONE, Key::E), None);
        assert_eq!(text(NONE, Key::Questionmark), None);
        assert_eq!(text(NONE, Key::Enter), None);
        assert_eq!(text(CTRL, Key::Z), None, "the field's own undo");
        assert_eq!(text(NONE, Key::F1), Some(Command::Help));
        assert_eq!(text(CTRL, Key::S), Some(Command::Save));
        assert_eq!(text(NONE, Key::Escape), Some(Command::Escape));
        let find = |m, key| map.command_for(key, m, Scope::Find);
        assert_eq!(find(NONE, Key::Enter), Some(Command::FindFromBox));
        assert_eq!(find(SHIFT, Key::Enter), Some(Command::FindPreviousFromBox));
        let review = |m, key| map.command_for(key, m, Scope::Review);
        assert_eq!(review(NONE, Key::Enter), Some(Command::EditNote));
        assert_eq!(map.command_for(Key::Enter, NONE, Scope::Article), None);
    }

    #[test]
    fn behind_a_modal_only_modal_commands_run() {
        let map = Keymap::default();
        let modal = |m, key| map.command_for(key, m, Scope::Modal);
        assert_eq!(modal(CTRL, Key::Z), None);
        assert_eq!(modal(NONE, Key::E), None);
        assert_eq!(modal(NONE, Key::Delete), None);
        assert_eq!(modal(NONE, Key::Escape), Some(Command::Escape));
    }

    #[test]
    fn the_readme_key_table_is_the_command_table() {
        let readme = include_str!("../../README.md");
        let table = key_table_markdown(&Keymap::default());
        assert!(
            readme.contains(&table),
            "README.md's key table differs from the command table; paste this:\n{table}"
        );
    }

    fn schema(text: &str) -> Schema {
        schema::parse(text, Path::new("/tmp/x/marginalia.ron")).unwrap()
    }

    #[test]
    fn schema_keys_replace_the_tag_letters() {
        let (map, conflict) = Keymap::for_schema(&schema(
            "(labels: { Entity: (key: \"x\"), Claim: (key: \"e\") })",
        ));
        assert_eq!(conflict, None);
        let at = |key| map.command_for(key, NONE, Scope::Article);
        assert_eq!(at(Key::X), Some(Command::TagEntity));
        assert_eq!(at(Key::E), Some(Command::TagClaim));
        assert_eq!(at(Key::C), None);
        assert_eq!(at(Key::Num1), Some(Command::TagEntity));
        assert_eq!(map.keys_text(Command::TagEntity), "X / 1");
    }

    #[test]
    fn a_schema_key_taken_by_a_command_is_reported_with_the_path() {
        let (map, conflict) = Keymap::for_schema(&schema("(labels: { Claim: (key: \"l\") })"));
        let conflict = conflict.expect("l is Link speaker");
        let text = conflict.to_string();
        assert!(text.starts_with("/tmp/x/marginalia.ron: "), "{text}");
        assert!(
            text.contains("\"l\" for Claim is already Link speaker (L)"),
            "{text}"
        );
        // The defaults stay.
        let at = |key| map.command_for(key, NONE, Scope::Article);
        assert_eq!(at(Key::C), Some(Command::TagClaim));
        assert_eq!(at(Key::L), Some(Command::LinkSpeaker));
        // Review keys count too: A is Accept in review mode.
        let (_, conflict) = Keymap::for_schema(&schema("(labels: { Quote: (key: \"a\") })"));
        assert_eq!(conflict.map(|c| c.other), Some("Accept"));
        // A main key of a tag command.
        let (_, conflict) = Keymap::for_schema(&schema(
            "(labels: { Entity: (key: \"x\"), Quote: (key: \"e\"), Claim: (key: \"q\") })",
        ));
        assert_eq!(conflict, None, "all three moved");
    }

    #[test]
    fn a_schema_key_takes_over_a_second_key() {
        let (map, conflict) = Keymap::for_schema(&schema("(labels: { Entity: (key: \"p\") })"));
        assert_eq!(conflict, None);
        let review = |key| map.command_for(key, NONE, Scope::Review);
        assert_eq!(review(Key::P), Some(Command::TagEntity));
        assert_eq!(review(Key::K), Some(Command::ReviewPrevious));
        assert_eq!(map.keys_text(Command::ReviewPrevious), "K");
        let (map, conflict) = Keymap::for_schema(&schema("(labels: { Quote: (key: \"1\") })"));
        assert_eq!(conflict, None);
        assert_eq!(map.keys_text(Command::TagEntity), "E");
        assert_eq!(map.keys_text(Command::TagQuote), "1 / 3");
    }
}
