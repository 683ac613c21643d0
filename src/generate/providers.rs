//! MX patterns that hosted mail providers document for MTA-STS policies.
//! Each entry names its source; add a provider only with such a source.

use crate::model::MxPattern;

/// Hosted mail services whose MX patterns the provider documents. A clap
/// value enum, so that `--provider` and the list here are one definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Provider {
    /// Microsoft 365 / Exchange Online: *.mail.protection.outlook.com.
    #[value(alias = "m365", alias = "office365", alias = "exchange-online")]
    Microsoft365,
}

impl Provider {
    /// The documented patterns.
    ///
    /// Microsoft 365: "Enhancing mail flow with MTA-STS", Microsoft Learn
    /// (learn.microsoft.com/purview/enhancing-mail-flow-with-mta-sts), whose
    /// sample policy lists `mx: *.mail.protection.outlook.com`.
    pub fn mx_patterns(self) -> &'static [&'static str] {
        match self {
            Provider::Microsoft365 => &["*.mail.protection.outlook.com"],
        }
    }

    pub fn patterns(self) -> Vec<MxPattern> {
        self.mx_patterns()
            .iter()
            .filter_map(|p| MxPattern::parse(p).ok())
            .collect()
    }
}

/// The provider pattern that covers `host`, if a known provider hosts it.
pub fn covering(host: &str) -> Option<(Provider, MxPattern)> {
    use clap::ValueEnum;
    Provider::value_variants().iter().find_map(|p| {
        p.patterns()
            .into_iter()
            .find(|pat| pat.matches(host))
            .map(|pat| (*p, pat))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn microsoft_hosts_collapse_to_the_documented_pattern() {
        let (p, pat) = covering("contoso-com.mail.protection.outlook.com").unwrap();
        assert_eq!(p, Provider::Microsoft365);
        assert_eq!(pat.to_string(), "*.mail.protection.outlook.com");
        assert!(covering("mx1.contoso.com").is_none());
    }

    #[test]
    fn every_documented_pattern_is_valid() {
        for provider in Provider::value_variants() {
            assert_eq!(
                provider.patterns().len(),
                provider.mx_patterns().len(),
                "{provider:?}"
            );
        }
    }
}
