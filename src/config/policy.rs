//! The policy a command writes (`gen-policy`, `gen-hosting`, `init`), and
//! where `gen-policy` writes it.
//!
//! Every rule about what the user may ask for lives here once: the
//! `--provider` patterns merged with `--mx`, duplicates dropped, the default
//! `max_age` of each mode, and "enforce or testing needs an mx pattern".

use std::path::PathBuf;

use crate::cli::{GenPolicyArgs, PolicyArgs};
use crate::error::{Error, Result};
use crate::model::{MaxAge, Mode, MxPattern, Policy};

/// A policy's mode, mx patterns and max_age, known to be publishable: a
/// mode other than `none` always has at least one mx pattern, and no
/// pattern appears twice (a parser drops the repeat, and `lint` warns
/// about it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyConfig {
    mode: Mode,
    mx: Vec<MxPattern>,
    max_age: MaxAge,
}

impl PolicyConfig {
    /// `mx` in the order given, duplicates dropped; `max_age` defaults to
    /// [`Mode::default_max_age`].
    pub fn new(
        mode: Mode,
        mx: impl IntoIterator<Item = MxPattern>,
        max_age: Option<MaxAge>,
    ) -> Result<PolicyConfig> {
        let mut unique: Vec<MxPattern> = Vec::new();
        for pattern in mx {
            if !unique.contains(&pattern) {
                unique.push(pattern);
            }
        }
        require_mx(mode, &unique)?;
        Ok(PolicyConfig {
            mode,
            mx: unique,
            max_age: max_age.unwrap_or_else(|| mode.default_max_age()),
        })
    }

    /// The `--provider` patterns first, then `--mx`.
    pub fn from_args(args: &PolicyArgs) -> Result<PolicyConfig> {
        let provided = args.provider.iter().flat_map(|p| p.patterns());
        PolicyConfig::new(
            args.mode,
            provided.chain(args.mx.iter().cloned()),
            args.max_age,
        )
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    pub fn mx(&self) -> &[MxPattern] {
        &self.mx
    }

    pub fn max_age(&self) -> MaxAge {
        self.max_age
    }

    /// The policy to render, without extensions.
    pub fn into_policy(self) -> Policy {
        Policy {
            mode: self.mode,
            mx: self.mx,
            max_age: self.max_age,
            extensions: Vec::new(),
        }
    }
}

/// RFC 8461 §3.2: a policy in `enforce` or `testing` mode lists at least one
/// mx pattern (with none, every MX host would fail). The one place this
/// rule is decided for the policies the tool writes, `promote` included.
pub fn require_mx(mode: Mode, mx: &[MxPattern]) -> Result<()> {
    if mode != Mode::None && mx.is_empty() {
        return Err(Error::NoMx { mode });
    }
    Ok(())
}

/// A file to write atomically, and whether an existing one with other
/// content may be replaced. Also used for `gen-hosting --out`, where the
/// path is a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteTo {
    pub path: PathBuf,
    pub force: bool,
}

/// `gen-policy`: the policy, and the file to write it to (standard output
/// when `None`).
#[derive(Debug, Clone)]
pub struct GenPolicyConfig {
    pub policy: Policy,
    pub output: Option<WriteTo>,
}

impl GenPolicyConfig {
    pub fn from_args(args: &GenPolicyArgs) -> Result<GenPolicyConfig> {
        Ok(GenPolicyConfig {
            policy: PolicyConfig::from_args(&args.policy)?.into_policy(),
            output: args.output.clone().map(|path| WriteTo {
                path,
                force: args.force,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Provider;

    fn mx(s: &str) -> MxPattern {
        MxPattern::parse(s).unwrap()
    }

    fn args(mode: Mode, mx_: &[&str], provider: &[Provider]) -> PolicyArgs {
        PolicyArgs {
            mode,
            mx: mx_.iter().map(|s| mx(s)).collect(),
            provider: provider.to_vec(),
            max_age: None,
        }
    }

    #[test]
    fn provider_patterns_come_first_and_duplicates_go() {
        let c = PolicyConfig::from_args(&args(
            Mode::Enforce,
            &[
                "mx2.contoso.com",
                "*.mail.protection.outlook.com",
                "mx2.contoso.com",
            ],
            &[Provider::Microsoft365, Provider::Microsoft365],
        ))
        .unwrap();
        assert_eq!(
            c.mx(),
            [mx("*.mail.protection.outlook.com"), mx("mx2.contoso.com")]
        );
    }

    /// A domain moving between providers lists both for a while; a provider
    /// named twice adds its lines once.
    #[test]
    fn several_providers_in_the_order_given() {
        let c = PolicyConfig::from_args(&args(
            Mode::Testing,
            &["mx1.contoso.com"],
            &[
                Provider::ProtonMail,
                Provider::Microsoft365,
                Provider::ProtonMail,
            ],
        ))
        .unwrap();
        assert_eq!(
            c.mx(),
            [
                mx("mail.protonmail.ch"),
                mx("mailsec.protonmail.ch"),
                mx("*.mail.protection.outlook.com"),
                mx("mx1.contoso.com"),
            ]
        );
    }

    #[test]
    fn max_age_defaults_per_mode() {
        let only = |mode| PolicyConfig::new(mode, [mx("a.example")], None).unwrap();
        assert_eq!(only(Mode::Enforce).max_age(), MaxAge::ONE_WEEK);
        assert_eq!(only(Mode::Testing).max_age(), MaxAge::ONE_DAY);
        assert_eq!(only(Mode::None).max_age(), MaxAge::ONE_DAY);
        let given = MaxAge::new(1_209_600).unwrap();
        let c = PolicyConfig::new(Mode::Testing, [mx("a.example")], Some(given)).unwrap();
        assert_eq!(c.max_age(), given);
        assert_eq!(c.mode(), Mode::Testing);
    }

    #[test]
    fn enforce_and_testing_need_an_mx_none_does_not() {
        for mode in [Mode::Enforce, Mode::Testing] {
            assert!(matches!(
                PolicyConfig::from_args(&args(mode, &[], &[])),
                Err(Error::NoMx { mode: m }) if m == mode
            ));
        }
        let none = PolicyConfig::from_args(&args(Mode::None, &[], &[])).unwrap();
        assert!(none.mx().is_empty());
        assert!(require_mx(Mode::Enforce, &[mx("a.example")]).is_ok());
    }

    #[test]
    fn the_policy_renders_what_was_configured() {
        let p = PolicyConfig::from_args(&args(Mode::Enforce, &["mx1.contoso.com"], &[]))
            .unwrap()
            .into_policy();
        assert_eq!(
            p.render(),
            "version: STSv1\r\nmode: enforce\r\nmx: mx1.contoso.com\r\nmax_age: 604800\r\n"
        );
    }
}
