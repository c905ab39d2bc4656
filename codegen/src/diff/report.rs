//! The diff's model (each [`Change`] with its [`Impact`] and [`Effect`]) and how a
//! [`Report`] is written: text for a terminal, Markdown for a pull request, and the version bump
//! semver asks for.

use std::fmt::Write as _;

/// How a change affects code that uses the generated crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Impact {
    /// Code that compiled may no longer compile, may fail where it worked, or behaves otherwise.
    Breaking,
    /// New things, or checks loosened; existing code is unaffected.
    Additive,
    /// Something is now deprecated (uses warn) or its sunset changed.
    Deprecation,
    /// Only documentation changed.
    Docs,
}

/// How a breaking change breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Effect {
    /// Code that uses the item no longer compiles.
    Compile,
    /// Code compiles, but a call that worked can now fail (a tighter check, before sending or on
    /// the server).
    Runtime,
    /// Code compiles and calls succeed, but what goes over the wire, or what comes back, differs.
    Behaviour,
    /// Not a breaking change.
    None,
}

impl Effect {
    fn text(self) -> &'static str {
        match self {
            Effect::Compile => " (breaks compilation)",
            Effect::Runtime => " (breaks at run time)",
            Effect::Behaviour => " (changes behaviour)",
            Effect::None => "",
        }
    }
}

/// One change.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Change {
    /// How it affects users.
    pub impact: Impact,
    /// Only the Rust surface changed (a name, a stream method), not what goes over the wire.
    pub rust_only: bool,
    /// How it breaks, when it does.
    pub effect: Effect,
    /// The Rust item it concerns (`UsageCompletionsGroupBy::ServiceTier`).
    pub item: String,
    /// What changed.
    pub message: String,
}

/// Every change between two specs, in a stable order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The changes, breaking first.
    pub changes: Vec<Change>,
    /// The crate's version before the change (`MAJOR.MINOR.PATCH`), when known: the version
    /// line then names the next one, by the rules of its major version.
    pub crate_version: Option<String>,
}

impl Report {
    /// Whether anything breaks.
    pub fn is_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.impact == Impact::Breaking)
    }

    /// The changes of one section of the report.
    fn section(&self, section: Section) -> Vec<&Change> {
        self.changes
            .iter()
            .filter(|c| match section {
                Section::Breaking => c.impact == Impact::Breaking && !c.rust_only,
                Section::Additive => c.impact == Impact::Additive && !c.rust_only,
                Section::RustOnly => {
                    matches!(c.impact, Impact::Breaking | Impact::Additive) && c.rust_only
                }
                Section::Deprecation => c.impact == Impact::Deprecation,
                Section::Docs => c.impact == Impact::Docs,
            })
            .collect()
    }

    /// The report, with the crate's current version (the version line then names the next).
    pub fn with_crate_version(mut self, version: &str) -> Report {
        self.crate_version = Some(version.to_owned());
        self
    }

    /// The version bump the changes imply for the crate. Semver's rules: before 1.0 anything
    /// breaking bumps the minor version and anything else the patch version; from 1.0, breaking
    /// bumps the major version, additions the minor version, docs the patch version. With the
    /// crate's version known, the line names the next one (`0.1.0 -> 0.2.0`).
    pub fn version_bump(&self) -> String {
        let parts: Option<Vec<u64>> = self
            .crate_version
            .as_deref()
            .map(|v| {
                v.split('.')
                    .map(|p| p.parse().ok())
                    .collect::<Option<Vec<u64>>>()
            })
            .and_then(|p| p.filter(|p| p.len() == 3));
        let additive = self.changes.iter().any(|c| c.impact == Impact::Additive);
        let pre_1 = parts.as_ref().is_none_or(|p| p[0] == 0);
        let (kind, why) = if self.changes.is_empty() {
            return "none".to_owned();
        } else if self.is_breaking() && pre_1 {
            (
                "minor",
                "something breaks; under 0.x a breaking change bumps the minor version",
            )
        } else if self.is_breaking() {
            ("major", "something breaks")
        } else if additive && !pre_1 {
            ("minor", "something is added, nothing breaks")
        } else {
            ("patch", "nothing breaks")
        };
        let next = parts.map(|p| {
            let next = match kind {
                "major" => [p[0] + 1, 0, 0],
                "minor" => [p[0], p[1] + 1, 0],
                _ => [p[0], p[1], p[2] + 1],
            };
            format!(
                ": {}.{}.{} -> {}.{}.{}",
                p[0], p[1], p[2], next[0], next[1], next[2]
            )
        });
        format!("{kind} ({why}){}", next.unwrap_or_default())
    }

    /// Plain text, one change a line, grouped by impact, ending with the version bump.
    pub fn to_text(&self) -> String {
        if self.changes.is_empty() {
            return "No changes for users of the generated crate.\n".to_owned();
        }
        let mut out = String::new();
        for (section, title) in SECTIONS {
            let changes = self.section(section);
            if changes.is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push('\n');
            }
            let _ = writeln!(out, "{title} ({}):", changes.len());
            for c in changes {
                let _ = writeln!(
                    out,
                    "  {} {}: {}{}",
                    mark(c),
                    c.item,
                    c.message,
                    c.effect.text()
                );
            }
        }
        let _ = writeln!(out, "\nVersion bump: {}", self.version_bump());
        out
    }

    /// Markdown for a pull request comment.
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("## Changes for users of the generated crate\n");
        if self.changes.is_empty() {
            out.push_str("\nNone.\n");
            return out;
        }
        for (section, title) in SECTIONS {
            let changes = self.section(section);
            if changes.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n### {title} ({})\n", changes.len());
            for c in changes {
                let impact = match (section, c.impact) {
                    (Section::RustOnly, Impact::Breaking) => "**breaking** ",
                    (Section::RustOnly, _) => "additive: ",
                    _ => "",
                };
                let _ = writeln!(
                    out,
                    "- `{}`: {impact}{}{}",
                    c.item,
                    c.message,
                    c.effect.text()
                );
            }
        }
        let _ = writeln!(out, "\n**Version bump:** {}", self.version_bump());
        out
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Breaking,
    Additive,
    RustOnly,
    Deprecation,
    Docs,
}

const SECTIONS: [(Section, &str); 5] = [
    (Section::Breaking, "Breaking"),
    (Section::Additive, "Additive"),
    (
        Section::RustOnly,
        "Rust names and methods only (the wire is unchanged)",
    ),
    (Section::Deprecation, "Deprecated"),
    (Section::Docs, "Docs"),
];

fn mark(change: &Change) -> &'static str {
    match change.impact {
        Impact::Breaking => "!",
        Impact::Additive => "+",
        Impact::Deprecation => "-",
        Impact::Docs => "~",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(impact: Impact) -> Report {
        Report {
            changes: vec![Change {
                impact,
                rust_only: false,
                effect: Effect::None,
                item: "X".into(),
                message: "changed".into(),
            }],
            crate_version: None,
        }
    }

    #[test]
    fn the_version_line_follows_semver_before_and_after_1_0() {
        let (added, removed) = (with(Impact::Additive), with(Impact::Breaking));
        assert_eq!(added.version_bump(), "patch (nothing breaks)");
        assert_eq!(
            added.clone().with_crate_version("0.4.2").version_bump(),
            "patch (nothing breaks): 0.4.2 -> 0.4.3"
        );
        assert_eq!(
            added.with_crate_version("1.4.2").version_bump(),
            "minor (something is added, nothing breaks): 1.4.2 -> 1.5.0"
        );
        assert_eq!(
            removed.clone().with_crate_version("0.4.2").version_bump(),
            "minor (something breaks; under 0.x a breaking change bumps the minor version): 0.4.2 -> 0.5.0"
        );
        assert_eq!(
            removed.with_crate_version("1.4.2").version_bump(),
            "major (something breaks): 1.4.2 -> 2.0.0"
        );
        assert_eq!(Report::default().version_bump(), "none");
    }
}
