//! The organizations file of `sync --config`: each organization's name in the store, the
//! environment variable that holds its admin key (keys are never written in the file, the
//! store or a log) and, optionally, a base URL.
//!
//! ```yaml
//! organizations:
//!   - name: acme-prod
//!     admin_key_env: ACME_PROD_OPENAI_ADMIN_KEY
//!   - name: acme-research
//!     admin_key_env: ACME_RESEARCH_OPENAI_ADMIN_KEY
//!     base_url: https://proxy.internal/v1
//! ```

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;

use crate::Error;

/// The file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The organizations to sync, in order.
    pub organizations: Vec<OrganizationConfig>,
}

/// One organization of the file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationConfig {
    /// Its name in the store: letters, digits, `-`, `_` and `.`.
    pub name: String,
    /// The environment variable holding its admin key.
    pub admin_key_env: String,
    /// Where to send its requests instead of OpenAI's API.
    #[serde(default)]
    pub base_url: Option<String>,
}

impl Config {
    /// Reads and checks the file: YAML errors name the line and column; names must be unique
    /// and plain; a key must never be written in the file itself.
    pub fn read(path: &Path) -> Result<Config, Error> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| Error::Config {
            file: file.clone(),
            message: format!("cannot read it: {e}"),
        })?;
        Config::parse(&text, &file)
    }

    /// Parses the text of a file shown as `file`.
    pub fn parse(text: &str, file: &str) -> Result<Config, Error> {
        let fail = |message: String| Error::Config {
            file: file.to_owned(),
            message,
        };
        if text.contains("sk-") {
            return Err(fail(
                "it seems to hold an API key (`sk-...`); name the environment variable that holds it (`admin_key_env`) instead".into(),
            ));
        }
        // serde_yaml's message names the field's path and its line and column.
        let config: Config = serde_yaml::from_str(text).map_err(|e| fail(e.to_string()))?;
        if config.organizations.is_empty() {
            return Err(fail("`organizations` is empty; list at least one".into()));
        }
        let mut seen = BTreeSet::new();
        for (i, org) in config.organizations.iter().enumerate() {
            let at = format!("organizations[{i}]");
            let plain = |s: &str| {
                !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            };
            if !plain(&org.name) {
                return Err(fail(format!(
                    "{at}.name `{}`: use letters, digits, `-`, `_` and `.` only",
                    org.name.escape_debug()
                )));
            }
            if !seen.insert(org.name.as_str()) {
                return Err(fail(format!("{at}.name `{}` is listed twice", org.name)));
            }
            if !org
                .admin_key_env
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
                || org.admin_key_env.is_empty()
            {
                return Err(fail(format!(
                    "{at}.admin_key_env `{}` is not an environment variable name",
                    org.admin_key_env.escape_debug()
                )));
            }
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_file_reads() {
        let config = Config::parse(
            "organizations:\n  - name: acme-prod\n    admin_key_env: ACME_KEY\n  - name: lab\n    admin_key_env: LAB_KEY\n    base_url: http://127.0.0.1:9/v1\n",
            "orgs.yaml",
        )
        .unwrap();
        assert_eq!(config.organizations.len(), 2);
        assert_eq!(
            config.organizations[1].base_url.as_deref(),
            Some("http://127.0.0.1:9/v1")
        );
    }

    #[test]
    fn mistakes_are_named_with_the_file_and_place() {
        let cases = [
            ("organizations:\n  - name: a\n    admin_key_env: K\n    colour: red\n", "orgs.yaml: organizations[0]: unknown field `colour`, expected one of `name`, `admin_key_env`, `base_url` at line 4 column 5"),
            ("organizations:\n  - name: a\n    admin_key_env: K\n  - name: a\n    admin_key_env: L\n", "organizations[1].name `a` is listed twice"),
            ("organizations:\n  - name: a b\n    admin_key_env: K\n", "organizations[0].name `a b`: use letters"),
            ("organizations:\n  - name: a\n    admin_key_env: sk-admin-123\n", "seems to hold an API key"),
            ("organizations:\n  - name: a\n    admin_key_env: MY-KEY\n", "`MY-KEY` is not an environment variable name"),
            ("organizations: []\n", "is empty"),
        ];
        for (text, expected) in cases {
            let error = Config::parse(text, "orgs.yaml").unwrap_err().to_string();
            assert!(error.contains(expected), "{error:?} lacks {expected:?}");
            assert!(error.starts_with("orgs.yaml: "), "{error}");
        }
    }
}
