//! The budgets file: what the organization's and each project's monthly hard spend limit and
//! spend alerts should be, in YAML that a pull request reviews. Every mistake is reported at its
//! line and column before anything is sent.
//!
//! ```yaml
//! recipients: [finance@example.com]   # whom alerts email, unless an entry says otherwise
//! organization:
//!   limit: 10000                      # US dollars a month (a decimal, at most two places)
//!   alerts: [8000, 9500]
//! projects:
//!   - project: Production API         # a project's name, or its ID (proj_...)
//!     limit: 2500.00
//!     alerts:
//!       - 1250
//!       - {amount: 2250, recipients: [oncall@example.com], subject_prefix: "[prod]"}
//!   - project: proj_beta
//!     limit: none                     # no hard limit: one that is set is deleted
//! ```
//!
//! A key that is left out is left alone: without `limit`, the limit is not managed; without
//! `alerts`, the alerts are not. With `alerts`, the alerts are exactly those listed (matched by
//! amount; one with other recipients is updated, one not listed is deleted).

use std::fmt;
use std::path::{Path, PathBuf};

use marked_yaml::types::{MarkedMappingNode, MarkedScalarNode};
use marked_yaml::{Marker, Node};

/// Where something is in the file: 1-based line and column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1.
    pub column: usize,
}

impl Location {
    fn of(marker: Option<&Marker>) -> Location {
        marker.map_or_else(Location::default, |m| Location {
            line: m.line(),
            column: m.column(),
        })
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A mistake in the budgets file, at its place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    /// The file.
    pub file: PathBuf,
    /// Where in it.
    pub at: Location,
    /// What is wrong, and how to put it right.
    pub message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.at, self.message)
    }
}

impl std::error::Error for FileError {}

/// What a limit should be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitSetting {
    /// `limit: none`: no hard limit.
    NoLimit,
    /// A monthly hard limit, in cents.
    Cents(i64),
}

/// One alert as the file asks for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertSetting {
    /// The threshold, in cents.
    pub cents: i64,
    /// Whom it emails (at least one).
    pub recipients: Vec<String>,
    /// The subject prefix of its emails.
    pub subject_prefix: Option<String>,
    /// Where it is written.
    pub at: Location,
}

/// The budget of the organization or of one project.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Budget {
    /// The limit, when the file manages it.
    pub limit: Option<LimitSetting>,
    /// The alerts, when the file manages them: exactly these.
    pub alerts: Option<Vec<AlertSetting>>,
}

/// One entry of `projects`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectEntry {
    /// The project's name or ID, as written.
    pub project: String,
    /// Where `project:` is written.
    pub at: Location,
    /// What its budget should be.
    pub budget: Budget,
}

/// The whole file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BudgetsFile {
    /// The file it was read from.
    pub path: PathBuf,
    /// The organization's budget, if the file has `organization`.
    pub organization: Option<Budget>,
    /// The projects' budgets, in the order written.
    pub projects: Vec<ProjectEntry>,
}

impl BudgetsFile {
    /// An error at `at` of this file.
    pub fn error(&self, at: Location, message: impl Into<String>) -> FileError {
        FileError {
            file: self.path.clone(),
            at,
            message: message.into(),
        }
    }
}

/// The largest file read: a budgets file is written by hand.
const MAX_BYTES: u64 = 4 * 1024 * 1024;

/// Reads and checks the budgets file at `path`.
pub fn read(path: &Path) -> Result<BudgetsFile, FileError> {
    use std::io::Read as _;
    let fail = |message: String| FileError {
        file: path.to_path_buf(),
        at: Location { line: 1, column: 1 },
        message,
    };
    let meta = std::fs::metadata(path).map_err(|e| fail(format!("cannot read it: {e}")))?;
    if !meta.is_file() {
        return Err(fail("cannot read it: not a regular file".into()));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| fail(format!("cannot read it: {e}")))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(fail(format!(
            "larger than {} MiB: not a budgets file",
            MAX_BYTES >> 20
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        fail(format!(
            "not UTF-8 text (at byte {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    parse(path, &text)
}

/// Checks the budgets file `text` (read from `path`, which errors name).
pub fn parse(path: &Path, text: &str) -> Result<BudgetsFile, FileError> {
    let mut file = BudgetsFile {
        path: path.to_path_buf(),
        ..BudgetsFile::default()
    };
    let options = marked_yaml::LoaderOptions::default()
        .error_on_duplicate_keys(true)
        .prevent_coercion(true);
    let root =
        marked_yaml::parse_yaml_with_options(0, text, options).map_err(|e| load_error(&file, e))?;
    let root = root
        .as_mapping()
        .ok_or_else(|| file.error(start(&root), "the file must be a mapping"))?;
    check_keys(
        &file,
        root,
        &["recipients", "subject_prefix", "organization", "projects"],
    )?;
    let defaults = Defaults {
        recipients: match root.get_node("recipients") {
            Some(node) => Some(recipients(&file, node)?),
            None => None,
        },
        subject_prefix: optional_text(&file, root, "subject_prefix")?,
    };
    if let Some(node) = root.get_node("organization") {
        let map = node.as_mapping().ok_or_else(|| {
            file.error(
                start(node),
                "`organization` must be a mapping of `limit` and `alerts`",
            )
        })?;
        check_keys(
            &file,
            map,
            &["limit", "alerts", "recipients", "subject_prefix"],
        )?;
        file.organization = Some(budget(&file, map, &defaults)?);
    }
    if let Some(node) = root.get_node("projects") {
        let list = node.as_sequence().ok_or_else(|| {
            file.error(
                start(node),
                "`projects` must be a list of entries, each with `project:` (a name or an ID)",
            )
        })?;
        for entry in list.iter() {
            let map = entry.as_mapping().ok_or_else(|| {
                file.error(
                    start(entry),
                    "each project entry must be a mapping with `project:`",
                )
            })?;
            check_keys(
                &file,
                map,
                &["project", "limit", "alerts", "recipients", "subject_prefix"],
            )?;
            let name = map.get_scalar("project").ok_or_else(|| {
                file.error(
                    start(entry),
                    "this entry has no `project:` (the project's name, or its ID)",
                )
            })?;
            if name.as_str().trim().is_empty() {
                return Err(file.error(scalar_at(name), "`project:` is empty"));
            }
            let budget = budget(&file, map, &defaults)?;
            file.projects.push(ProjectEntry {
                project: name.as_str().trim().to_owned(),
                at: scalar_at(name),
                budget,
            });
        }
    }
    Ok(file)
}

/// What entries inherit from the top of the file.
struct Defaults {
    recipients: Option<Vec<String>>,
    subject_prefix: Option<String>,
}

fn budget(
    file: &BudgetsFile,
    map: &MarkedMappingNode,
    defaults: &Defaults,
) -> Result<Budget, FileError> {
    let mut budget = Budget::default();
    if let Some(node) = map.get_node("limit") {
        let scalar = node.as_scalar().ok_or_else(|| {
            file.error(
                start(node),
                "`limit` must be an amount in dollars, or `none`",
            )
        })?;
        budget.limit = Some(match scalar.as_str().trim() {
            "none" | "null" | "~" => LimitSetting::NoLimit,
            text => {
                let cents = cents(file, scalar, text)?;
                if cents < 1 {
                    return Err(file.error(
                        scalar_at(scalar),
                        "a hard limit must be at least 0.01 (OpenAI's minimum is one cent); write `limit: none` for no limit",
                    ));
                }
                LimitSetting::Cents(cents)
            }
        });
    }
    let own_recipients = match map.get_node("recipients") {
        Some(node) => Some(recipients(file, node)?),
        None => None,
    };
    let subject_prefix =
        optional_text(file, map, "subject_prefix")?.or(defaults.subject_prefix.clone());
    if let Some(node) = map.get_node("alerts") {
        let list = node.as_sequence().ok_or_else(|| {
            file.error(
                start(node),
                "`alerts` must be a list of amounts in dollars (`[] ` for none)",
            )
        })?;
        let mut alerts: Vec<AlertSetting> = Vec::new();
        for item in list.iter() {
            let (amount, recipients_node, prefix) = match item {
                Node::Scalar(s) => (s, None, None),
                Node::Mapping(m) => {
                    check_keys(file, m, &["amount", "recipients", "subject_prefix"])?;
                    let amount = m.get_scalar("amount").ok_or_else(|| {
                        file.error(start(item), "this alert has no `amount` (in dollars)")
                    })?;
                    (
                        amount,
                        m.get_node("recipients"),
                        optional_text(file, m, "subject_prefix")?,
                    )
                }
                Node::Sequence(_) => {
                    return Err(file.error(
                        start(item),
                        "an alert is an amount, or a mapping with `amount`",
                    ))
                }
            };
            let at = scalar_at(amount);
            let cents = cents(file, amount, amount.as_str().trim())?;
            if let Some(first) = alerts.iter().find(|a| a.cents == cents) {
                return Err(file.error(
                    at,
                    format!(
                        "a second alert at {} (the first is at line {}): each amount once",
                        dollars(cents),
                        first.at.line
                    ),
                ));
            }
            let recipients = match recipients_node {
                Some(node) => recipients(file, node)?,
                None => own_recipients
                    .clone()
                    .or_else(|| defaults.recipients.clone())
                    .ok_or_else(|| {
                        file.error(
                            at,
                            "this alert emails no one: give `recipients` (here, on its entry, or at the top of the file)",
                        )
                    })?,
            };
            alerts.push(AlertSetting {
                cents,
                recipients,
                subject_prefix: prefix.or_else(|| subject_prefix.clone()),
                at,
            });
        }
        budget.alerts = Some(alerts);
    }
    Ok(budget)
}

/// A list of email addresses, at least one.
fn recipients(file: &BudgetsFile, node: &Node) -> Result<Vec<String>, FileError> {
    let list = node.as_sequence().ok_or_else(|| {
        file.error(
            start(node),
            "`recipients` must be a list of email addresses",
        )
    })?;
    if list.is_empty() {
        return Err(file.error(
            start(node),
            "`recipients` must list at least one email address",
        ));
    }
    let mut out = Vec::new();
    for item in list.iter() {
        let scalar = item
            .as_scalar()
            .ok_or_else(|| file.error(start(item), "a recipient is an email address"))?;
        let email = scalar.as_str().trim();
        let valid = email.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty() && host.contains('.') && !email.contains(char::is_whitespace)
        });
        if !valid {
            return Err(file.error(
                scalar_at(scalar),
                format!("`{}` is not an email address", email.escape_debug()),
            ));
        }
        out.push(email.to_owned());
    }
    Ok(out)
}

fn optional_text(
    file: &BudgetsFile,
    map: &MarkedMappingNode,
    key: &str,
) -> Result<Option<String>, FileError> {
    match map.get_node(key) {
        None => Ok(None),
        Some(Node::Scalar(s)) => Ok(Some(s.as_str().to_owned())),
        Some(node) => Err(file.error(start(node), format!("`{key}` must be text"))),
    }
}

/// An amount in dollars (`2500`, `2500.5`, `2500.50`) as cents; anything else (a negative
/// amount, more than two decimals, an exponent, a thousands separator) is refused at its place.
fn cents(file: &BudgetsFile, scalar: &MarkedScalarNode, text: &str) -> Result<i64, FileError> {
    let at = scalar_at(scalar);
    if let Some(rest) = text.strip_prefix('-') {
        if !rest.is_empty() {
            return Err(file.error(
                at,
                format!("`{text}` is negative: amounts are dollars, 0 or more"),
            ));
        }
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole)
        || !(fraction.is_empty() || digits(fraction))
        || (text.contains('.') && fraction.is_empty())
    {
        return Err(file.error(
            at,
            format!(
                "`{}` is not an amount: write dollars as a decimal number, such as 2500 or 2500.50",
                text.escape_debug()
            ),
        ));
    }
    if fraction.len() > 2 {
        return Err(file.error(
            at,
            format!("`{text}` has more than two decimals: amounts are whole cents"),
        ));
    }
    let cents_part = format!("{fraction:0<2}");
    whole
        .parse::<i64>()
        .ok()
        .and_then(|w| w.checked_mul(100))
        .and_then(|w| w.checked_add(cents_part.parse::<i64>().ok()?))
        .ok_or_else(|| file.error(at, format!("`{text}` is too large")))
}

/// Cents as dollars, `$2,500.00`.
pub fn dollars(cents: i64) -> String {
    format!(
        "${}",
        crate::money::Money::from_cents(cents).to_grouped_cents()
    )
}

fn check_keys(
    file: &BudgetsFile,
    map: &MarkedMappingNode,
    allowed: &[&str],
) -> Result<(), FileError> {
    for key in map.keys() {
        if !allowed.contains(&key.as_str()) {
            return Err(file.error(
                scalar_at(key),
                format!(
                    "unknown key `{}` here: expected {}",
                    key.as_str().escape_debug(),
                    allowed
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    Ok(())
}

fn start(node: &Node) -> Location {
    // A block mapping's own span starts at its first value; its first key is where it starts
    // on the page.
    if let Some(first) = node.as_mapping().and_then(|m| m.keys().next()) {
        return scalar_at(first);
    }
    Location::of(node.span().start())
}

fn scalar_at(scalar: &MarkedScalarNode) -> Location {
    Location::of(scalar.span().start())
}

fn load_error(file: &BudgetsFile, e: marked_yaml::LoadError) -> FileError {
    use marked_yaml::LoadError as E;
    let (at, message) = match &e {
        E::TopLevelMustBeMapping(m) => (
            Location::of(Some(m)),
            "the file must be a mapping".to_owned(),
        ),
        E::TopLevelMustBeSequence(m)
        | E::UnexpectedAnchor(m)
        | E::MappingKeyMustBeScalar(m)
        | E::UnexpectedTag(m) => (Location::of(Some(m)), strip_marker(&e.to_string())),
        E::ScanError(m, scan) => (Location::of(Some(m)), format!("not YAML: {scan}")),
        E::DuplicateKey(inner) => (
            scalar_at(&inner.key),
            format!(
                "`{}` a second time (first at line {}): each key once",
                inner.key.as_str(),
                scalar_at(&inner.prev_key).line
            ),
        ),
        #[allow(unreachable_patterns)]
        _ => (Location { line: 1, column: 1 }, e.to_string()),
    };
    file.error(at, message)
}

/// The message of a loader error without its leading `line:column: `.
fn strip_marker(text: &str) -> String {
    text.split_once(": ").map_or(text, |(_, m)| m).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<BudgetsFile, FileError> {
        parse(Path::new("budgets.yaml"), text)
    }

    fn error_at(text: &str) -> (usize, usize, String) {
        let e = parsed(text).expect_err("refused");
        (e.at.line, e.at.column, e.message)
    }

    #[test]
    fn amounts_are_dollars_read_exactly_as_cents() {
        let file = parsed(
            "recipients: [a@example.com]\norganization:\n  limit: 10000\n  alerts: [0, 0.5, 8000.25]\nprojects:\n  - project: Production API\n    limit: none\n",
        )
        .unwrap();
        let org = file.organization.unwrap();
        assert_eq!(org.limit, Some(LimitSetting::Cents(1_000_000)));
        let alerts: Vec<i64> = org.alerts.unwrap().iter().map(|a| a.cents).collect();
        assert_eq!(alerts, [0, 50, 800_025]);
        assert_eq!(file.projects[0].project, "Production API");
        assert_eq!(
            file.projects[0].at,
            Location {
                line: 6,
                column: 14
            }
        );
        assert_eq!(file.projects[0].budget.limit, Some(LimitSetting::NoLimit));
        assert_eq!(file.projects[0].budget.alerts, None, "left alone");
    }

    #[test]
    fn mistakes_are_named_at_their_line_and_column() {
        for (text, line, column, words) in [
            ("organization:\n  limit: -5\n", 2, 10, "negative"),
            ("organization:\n  limit: 1e3\n", 2, 10, "not an amount"),
            (
                "organization:\n  limit: 12.345\n",
                2,
                10,
                "more than two decimals",
            ),
            ("organization:\n  limit: 1,000\n", 2, 10, "not an amount"),
            ("organization:\n  limit: 0\n", 2, 10, "at least 0.01"),
            ("organization:\n  limt: 5\n", 2, 3, "unknown key `limt`"),
            ("organization:\n  alerts: [5]\n", 2, 12, "emails no one"),
            (
                "recipients: [a@example.com]\norganization:\n  alerts: [5, 5.00]\n",
                3,
                15,
                "second alert at $5.00",
            ),
            ("recipients: [nobody]\n", 1, 14, "not an email address"),
            ("projects:\n  - limit: 5\n", 2, 5, "no `project:`"),
            (
                "organization: {limit: 1}\norganization: {limit: 2}\n",
                2,
                1,
                "a second time",
            ),
            ("organization: [\n", 2, 1, "not YAML"),
        ] {
            let (l, c, message) = error_at(text);
            assert!(
                (l, c) == (line, column) && message.contains(words),
                "{text:?}: got {l}:{c} {message:?}, expected {line}:{column} {words:?}"
            );
        }
    }

    #[test]
    fn an_error_names_the_file_first() {
        let e = parsed("organization:\n  limit: -5\n").unwrap_err();
        assert!(e.to_string().starts_with("budgets.yaml:2:10: "), "{e}");
    }
}
