//! Hosted mail providers: the inbound MX hosts each one documents for its
//! customers, and what a policy must list to cover them.
//!
//! Every provider here is backed by its own documentation, named in
//! [`Source`] with what the page says. A provider that documents an mx
//! pattern gets that pattern; one that documents a fixed list of hosts gets
//! those hosts exactly (a wildcard the provider does not document is never
//! invented: it could cover hosts the provider does not vouch for). Hosts a
//! provider issues per customer without documenting any pattern are still
//! recognised as the provider's, and kept exact.
//!
//! A provider with regions whose MX hosts differ has one entry per region:
//! a policy then lists only the hosts the domain can use, and `check` has no
//! unused pattern to warn about (`policy.mx_unused`).

use std::fmt;

use super::MxPattern;

/// A hosted mail service whose inbound MX hosts the provider documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Provider {
    Microsoft365,
    GoogleWorkspace,
    GoogleWorkspaceLegacy,
    Fastmail,
    ProtonMail,
    Zoho,
    ZohoEu,
    ZohoIn,
    ZohoAu,
    ZohoJp,
    ZohoCa,
    IcloudMail,
    WorkmailUsEast1,
    WorkmailUsWest2,
    WorkmailEuWest1,
}

/// A page of a provider's own documentation, and what it says about the
/// MX hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source {
    pub url: &'static str,
    pub says: &'static str,
}

/// What this module knows of one provider. One table row per provider, so
/// that the name, the patterns, the source and the samples cannot drift
/// apart.
struct Facts {
    /// The value of `--provider`.
    name: &'static str,
    aliases: &'static [&'static str],
    title: &'static str,
    /// The mx lines the provider's documentation supports: its pattern, or
    /// its fixed hosts.
    mx: &'static [&'static str],
    /// Suffixes under which the provider issues a host per customer without
    /// documenting a pattern for them: each such host is listed exactly.
    per_customer_under: &'static [&'static str],
    sources: &'static [Source],
    /// Hosts as the documentation shows them; the unit tests check that each
    /// is recognised.
    samples: &'static [&'static str],
}

const MICROSOFT: Source = Source {
    url: "https://learn.microsoft.com/en-us/purview/enhancing-mail-flow-with-mta-sts",
    says: "a domain whose MX points to Exchange Online uses the policy line mx: *.mail.protection.outlook.com",
};
const MICROSOFT_MX: Source = Source {
    url: "https://learn.microsoft.com/en-us/microsoft-365/enterprise/external-domain-name-system-records",
    says: "the MX target is <MX token>.mail.protection.outlook.com",
};
const MICROSOFT_DNSSEC: Source = Source {
    url: "https://learn.microsoft.com/en-us/microsoft-365/enterprise/configure-multi-geo-in-region-routing",
    says: "Enable-DnssecForVerifiedDomain gives a DNSSEC-signed MX under mx.microsoft, e.g. contosotest-com.o-v1.mx.microsoft; no mx pattern is given for it",
};
const GOOGLE: Source = Source {
    url: "https://support.google.com/a/answer/174125",
    says: "the MX record is smtp.google.com; the older set ASPMX.L.GOOGLE.COM and ALT1-ALT4.ASPMX.L.GOOGLE.COM is still supported; no mx pattern is given",
};
const FASTMAIL: Source = Source {
    url: "https://www.fastmail.help/hc/en-us/articles/360060591153",
    says: "the MX records are in1-smtp.messagingengine.com (10) and in2-smtp.messagingengine.com (20); no mx pattern is given",
};
const PROTON: Source = Source {
    url: "https://proton.me/support/custom-domain",
    says: "the MX records are mail.protonmail.ch (10) and mailsec.protonmail.ch (20); no mx pattern is given",
};
const ZOHO: Source = Source {
    url: "https://www.zoho.com/mail/help/adminconsole/configure-email-delivery.html",
    says: "the MX records are mx, mx2 and mx3 under the domain of the account's data centre (zoho.com: mx.zoho.com 10, mx2.zoho.com 20, mx3.zoho.com 50); no mx pattern is given",
};
const ICLOUD: Source = Source {
    url: "https://support.apple.com/en-us/102374",
    says: "the MX records are mx01.mail.icloud.com and mx02.mail.icloud.com (10); no mx pattern is given",
};
const WORKMAIL: Source = Source {
    url: "https://docs.aws.amazon.com/workmail/latest/adminguide/domain_verification.html",
    says: "the MX record is inbound-smtp.<region>.amazonaws.com: us-east-1, us-west-2 or eu-west-1; no mx pattern is given",
};
/// WorkMail receives through SES: an SES domain that receives mail names
/// the same endpoint, so one row per region serves both.
const SES_INBOUND: Source = Source {
    url: "https://docs.aws.amazon.com/ses/latest/dg/receiving-email-mx-record.html",
    says: "the MX record is the email-receiving endpoint of the SES region, e.g. inbound-smtp.us-west-2.amazonaws.com for US West (Oregon); no mx pattern is given",
};

// Microsoft's sample hosts: contoso-com.mail.protection.outlook.com is the
// form its Exchange Online pages give for contoso.com; the mx.microsoft host
// is the DnssecMxValue its in-region routing page prints. `*.mx.microsoft`
// would not cover that host: a wildcard stands for one label only, and the
// label before mx.microsoft (o-v1) differs between Microsoft's zones.
static FACTS: [(Provider, Facts); 15] = [
    (
        Provider::Microsoft365,
        Facts {
            name: "microsoft365",
            aliases: &["m365", "office365", "exchange-online"],
            title: "Microsoft 365 / Exchange Online",
            mx: &["*.mail.protection.outlook.com"],
            per_customer_under: &["mx.microsoft"],
            sources: &[MICROSOFT, MICROSOFT_MX, MICROSOFT_DNSSEC],
            samples: &[
                "contoso-com.mail.protection.outlook.com",
                "contosotest-com.o-v1.mx.microsoft",
            ],
        },
    ),
    (
        Provider::GoogleWorkspace,
        Facts {
            name: "google-workspace",
            aliases: &["google"],
            title: "Google Workspace",
            mx: &["smtp.google.com"],
            per_customer_under: &[],
            sources: &[GOOGLE],
            samples: &["smtp.google.com"],
        },
    ),
    (
        Provider::GoogleWorkspaceLegacy,
        Facts {
            name: "google-workspace-legacy",
            aliases: &["google-aspmx"],
            title: "Google Workspace, older ASPMX set",
            mx: &[
                "aspmx.l.google.com",
                "alt1.aspmx.l.google.com",
                "alt2.aspmx.l.google.com",
                "alt3.aspmx.l.google.com",
                "alt4.aspmx.l.google.com",
            ],
            per_customer_under: &[],
            sources: &[GOOGLE],
            samples: &[
                "ASPMX.L.GOOGLE.COM",
                "ALT1.ASPMX.L.GOOGLE.COM",
                "ALT2.ASPMX.L.GOOGLE.COM",
                "ALT3.ASPMX.L.GOOGLE.COM",
                "ALT4.ASPMX.L.GOOGLE.COM",
            ],
        },
    ),
    (
        Provider::Fastmail,
        Facts {
            name: "fastmail",
            aliases: &[],
            title: "Fastmail",
            mx: &[
                "in1-smtp.messagingengine.com",
                "in2-smtp.messagingengine.com",
            ],
            per_customer_under: &[],
            sources: &[FASTMAIL],
            samples: &[
                "in1-smtp.messagingengine.com",
                "in2-smtp.messagingengine.com",
            ],
        },
    ),
    (
        Provider::ProtonMail,
        Facts {
            name: "proton-mail",
            aliases: &["proton", "protonmail"],
            title: "Proton Mail",
            mx: &["mail.protonmail.ch", "mailsec.protonmail.ch"],
            per_customer_under: &[],
            sources: &[PROTON],
            samples: &["mail.protonmail.ch", "mailsec.protonmail.ch"],
        },
    ),
    // Zoho: one entry per data centre. The .com hosts are the ones Zoho's
    // page gives (its Japanese print page for Network Solutions too:
    // zoho.com/jp/mail/help/adminconsole/print/network-solutions-mx.html);
    // the other data centres use the same three names under their own
    // domains, which Zoho lists for its services (zoho.eu, zoho.in,
    // zoho.com.au, zoho.jp, zohocloud.ca).
    (
        Provider::Zoho,
        Facts {
            name: "zoho",
            aliases: &["zoho-com"],
            title: "Zoho Mail, zoho.com data centre",
            mx: &["mx.zoho.com", "mx2.zoho.com", "mx3.zoho.com"],
            per_customer_under: &[],
            sources: &[ZOHO],
            samples: &["mx.zoho.com", "mx2.zoho.com", "mx3.zoho.com"],
        },
    ),
    (
        Provider::ZohoEu,
        Facts {
            name: "zoho-eu",
            aliases: &[],
            title: "Zoho Mail, zoho.eu data centre",
            mx: &["mx.zoho.eu", "mx2.zoho.eu", "mx3.zoho.eu"],
            per_customer_under: &[],
            sources: &[ZOHO],
            samples: &["mx.zoho.eu", "mx2.zoho.eu", "mx3.zoho.eu"],
        },
    ),
    (
        Provider::ZohoIn,
        Facts {
            name: "zoho-in",
            aliases: &[],
            title: "Zoho Mail, zoho.in data centre",
            mx: &["mx.zoho.in", "mx2.zoho.in", "mx3.zoho.in"],
            per_customer_under: &[],
            sources: &[ZOHO],
            samples: &["mx.zoho.in", "mx2.zoho.in", "mx3.zoho.in"],
        },
    ),
    (
        Provider::ZohoAu,
        Facts {
            name: "zoho-au",
            aliases: &[],
            title: "Zoho Mail, zoho.com.au data centre",
            mx: &["mx.zoho.com.au", "mx2.zoho.com.au", "mx3.zoho.com.au"],
            per_customer_under: &[],
            sources: &[ZOHO],
            samples: &["mx.zoho.com.au", "mx2.zoho.com.au", "mx3.zoho.com.au"],
        },
    ),
    (
        Provider::ZohoJp,
        Facts {
            name: "zoho-jp",
            aliases: &[],
            title: "Zoho Mail, zoho.jp data centre",
            mx: &["mx.zoho.jp", "mx2.zoho.jp", "mx3.zoho.jp"],
            per_customer_under: &[],
            sources: &[ZOHO],
            samples: &["mx.zoho.jp", "mx2.zoho.jp", "mx3.zoho.jp"],
        },
    ),
    (
        Provider::ZohoCa,
        Facts {
            name: "zoho-ca",
            aliases: &[],
            title: "Zoho Mail, zohocloud.ca data centre",
            mx: &["mx.zohocloud.ca", "mx2.zohocloud.ca", "mx3.zohocloud.ca"],
            per_customer_under: &[],
            sources: &[ZOHO],
            samples: &["mx.zohocloud.ca", "mx2.zohocloud.ca", "mx3.zohocloud.ca"],
        },
    ),
    (
        Provider::IcloudMail,
        Facts {
            name: "icloud-mail",
            aliases: &["icloud"],
            title: "iCloud Mail",
            mx: &["mx01.mail.icloud.com", "mx02.mail.icloud.com"],
            per_customer_under: &[],
            sources: &[ICLOUD],
            samples: &["mx01.mail.icloud.com", "mx02.mail.icloud.com"],
        },
    ),
    (
        Provider::WorkmailUsEast1,
        Facts {
            name: "workmail-us-east-1",
            aliases: &["ses-us-east-1"],
            title: "Amazon WorkMail / SES inbound, US East (N. Virginia)",
            mx: &["inbound-smtp.us-east-1.amazonaws.com"],
            per_customer_under: &[],
            sources: &[WORKMAIL, SES_INBOUND],
            samples: &["inbound-smtp.us-east-1.amazonaws.com"],
        },
    ),
    (
        Provider::WorkmailUsWest2,
        Facts {
            name: "workmail-us-west-2",
            aliases: &["ses-us-west-2"],
            title: "Amazon WorkMail / SES inbound, US West (Oregon)",
            mx: &["inbound-smtp.us-west-2.amazonaws.com"],
            per_customer_under: &[],
            sources: &[WORKMAIL, SES_INBOUND],
            samples: &["inbound-smtp.us-west-2.amazonaws.com"],
        },
    ),
    (
        Provider::WorkmailEuWest1,
        Facts {
            name: "workmail-eu-west-1",
            aliases: &["ses-eu-west-1"],
            title: "Amazon WorkMail / SES inbound, EU (Ireland)",
            mx: &["inbound-smtp.eu-west-1.amazonaws.com"],
            per_customer_under: &[],
            sources: &[WORKMAIL, SES_INBOUND],
            samples: &["inbound-smtp.eu-west-1.amazonaws.com"],
        },
    ),
];

impl Provider {
    /// Every provider, in the order `--list-providers` shows them and in
    /// which a host is looked up.
    pub const ALL: [Provider; 15] = [
        Provider::Microsoft365,
        Provider::GoogleWorkspace,
        Provider::GoogleWorkspaceLegacy,
        Provider::Fastmail,
        Provider::ProtonMail,
        Provider::Zoho,
        Provider::ZohoEu,
        Provider::ZohoIn,
        Provider::ZohoAu,
        Provider::ZohoJp,
        Provider::ZohoCa,
        Provider::IcloudMail,
        Provider::WorkmailUsEast1,
        Provider::WorkmailUsWest2,
        Provider::WorkmailEuWest1,
    ];

    fn facts(self) -> &'static Facts {
        // `FACTS` lists the providers in the order of the enum (a unit test
        // holds it to that), so a provider's discriminant is its row.
        &FACTS[self as usize].1
    }

    /// The name `--provider` takes.
    pub fn name(self) -> &'static str {
        self.facts().name
    }

    /// Other names `--provider` accepts for it.
    pub fn aliases(self) -> &'static [&'static str] {
        self.facts().aliases
    }

    /// The provider's own name for the service.
    pub fn title(self) -> &'static str {
        self.facts().title
    }

    /// The mx lines a policy needs for this provider, as its documentation
    /// gives them.
    pub fn patterns(self) -> Vec<MxPattern> {
        self.facts()
            .mx
            .iter()
            .filter_map(|p| MxPattern::parse(p).ok())
            .collect()
    }

    /// Suffixes under which the provider gives each customer its own MX
    /// host without documenting a pattern for them.
    pub fn per_customer_under(self) -> &'static [&'static str] {
        self.facts().per_customer_under
    }

    /// The provider's pages this entry is based on.
    pub fn sources(self) -> &'static [Source] {
        self.facts().sources
    }

    /// MX hosts as the provider's documentation shows them.
    pub fn samples(self) -> &'static [&'static str] {
        self.facts().samples
    }

    /// The provider named `name` or one of its aliases (ASCII case ignored).
    pub fn from_name(name: &str) -> Option<Provider> {
        Provider::ALL.into_iter().find(|p| {
            p.name().eq_ignore_ascii_case(name)
                || p.aliases().iter().any(|a| a.eq_ignore_ascii_case(name))
        })
    }

    /// The provider whose MX host `host` is, and the mx line that covers it:
    /// the provider's documented pattern or host, or — for a host issued per
    /// customer with no documented pattern — the host itself.
    pub fn recognise(host: &str) -> Option<ProviderMx> {
        let host = host.strip_suffix('.').unwrap_or(host);
        Provider::ALL.into_iter().find_map(|provider| {
            if let Some(mx) = provider.patterns().into_iter().find(|p| p.matches(host)) {
                return Some(ProviderMx {
                    provider,
                    mx,
                    documented: true,
                });
            }
            provider
                .per_customer_under()
                .iter()
                .any(|suffix| is_under(host, suffix))
                .then(|| MxPattern::exact(host).ok())
                .flatten()
                .map(|mx| ProviderMx {
                    provider,
                    mx,
                    documented: false,
                })
        })
    }
}

/// Whether `host` is a name below `suffix` (not `suffix` itself), ASCII
/// case ignored.
fn is_under(host: &str, suffix: &str) -> bool {
    host.len() > suffix.len() + 1
        && host.is_char_boundary(host.len() - suffix.len() - 1)
        && host[host.len() - suffix.len() - 1..].starts_with('.')
        && host[host.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title())
    }
}

/// An MX host recognised as a provider's, and the mx line that covers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderMx {
    pub provider: Provider,
    pub mx: MxPattern,
    /// `true`: `mx` is what the provider documents; `false`: the provider
    /// documents no pattern for this host, and `mx` is the host itself.
    pub documented: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mx(s: &str) -> MxPattern {
        MxPattern::parse(s).unwrap()
    }

    #[test]
    fn the_table_and_the_enum_agree() {
        for (i, (p, _)) in FACTS.iter().enumerate() {
            assert_eq!(*p as usize, i, "{p:?} is out of place in FACTS");
            assert_eq!(Provider::ALL[i], *p);
        }
    }

    #[test]
    fn every_documented_mx_line_is_a_valid_pattern() {
        for p in Provider::ALL {
            assert!(!p.facts().mx.is_empty(), "{p:?} has nothing to list");
            assert_eq!(p.patterns().len(), p.facts().mx.len(), "{p:?}");
            for (pattern, text) in p.patterns().iter().zip(p.facts().mx) {
                assert_eq!(&pattern.to_string(), text, "{p:?} not in canonical form");
            }
        }
    }

    #[test]
    fn every_provider_names_its_documentation() {
        for p in Provider::ALL {
            assert!(!p.sources().is_empty(), "{p:?}");
            for s in p.sources() {
                assert!(s.url.starts_with("https://"), "{p:?}: {}", s.url);
                assert!(!s.says.is_empty(), "{p:?}");
            }
            assert!(!p.title().is_empty());
            assert_eq!(p.to_string(), p.title());
        }
    }

    /// Each sample host of each provider's documentation is recognised as
    /// that provider's, by the line the provider documents for it.
    #[test]
    fn every_documented_sample_host_is_recognised() {
        for p in Provider::ALL {
            assert!(!p.samples().is_empty(), "{p:?} has no sample host");
            for host in p.samples() {
                let found = Provider::recognise(host)
                    .unwrap_or_else(|| panic!("{host} ({p:?}) not recognised"));
                assert_eq!(found.provider, p, "{host}");
                assert!(found.mx.matches(host), "{host}");
                if found.documented {
                    assert!(p.patterns().contains(&found.mx), "{host}");
                } else {
                    assert_eq!(found.mx, MxPattern::exact(host).unwrap(), "{host}");
                }
            }
        }
    }

    #[test]
    fn microsoft_hosts_collapse_to_the_documented_pattern() {
        for host in [
            "contoso-com.mail.protection.outlook.com",
            "fabrikam-co-uk.mail.protection.outlook.com.",
        ] {
            assert_eq!(
                Provider::recognise(host),
                Some(ProviderMx {
                    provider: Provider::Microsoft365,
                    mx: mx("*.mail.protection.outlook.com"),
                    documented: true,
                })
            );
        }
        assert_eq!(
            Provider::Microsoft365.patterns(),
            [mx("*.mail.protection.outlook.com")]
        );
    }

    /// Microsoft documents no pattern for its DNSSEC MX hosts: each stays
    /// exact, and `*.mx.microsoft` (one label) would not cover it anyway.
    #[test]
    fn microsoft_dnssec_hosts_stay_exact() {
        let found = Provider::recognise("Contoso-com.o-v1.MX.microsoft.").unwrap();
        assert_eq!(found.provider, Provider::Microsoft365);
        assert_eq!(found.mx, mx("contoso-com.o-v1.mx.microsoft"));
        assert!(!found.documented);
        assert!(!mx("*.mx.microsoft").matches("contoso-com.o-v1.mx.microsoft"));
    }

    #[test]
    fn google_hosts_are_listed_exactly() {
        let found = Provider::recognise("alt2.aspmx.l.google.com").unwrap();
        assert_eq!(found.provider, Provider::GoogleWorkspaceLegacy);
        assert_eq!(found.mx, mx("alt2.aspmx.l.google.com"));
        assert!(found.documented);
        let found = Provider::recognise("smtp.google.com").unwrap();
        assert_eq!(found.provider, Provider::GoogleWorkspace);
        assert_eq!(
            Provider::GoogleWorkspace.patterns(),
            [mx("smtp.google.com")]
        );
        assert_eq!(Provider::GoogleWorkspaceLegacy.patterns().len(), 5);
    }

    #[test]
    fn hosts_near_a_provider_are_not_the_providers() {
        for host in [
            "mx1.contoso.com",
            "mail.protection.outlook.com",
            "a.b.mail.protection.outlook.com",
            "mail.protection.outlook.com.evil.example",
            "mx.microsoft",
            "xmx.microsoft",
            "mx.microsoft.evil.example",
            "alt5.aspmx.l.google.com",
            "google.com",
            "in3-smtp.messagingengine.com",
            "mx4.zoho.com",
            "mx.zoho.de",
            "mx03.mail.icloud.com",
            "inbound-smtp.ap-south-9.amazonaws.com",
            "",
            ".",
        ] {
            assert_eq!(Provider::recognise(host), None, "{host:?}");
        }
    }

    #[test]
    fn a_host_under_a_per_customer_suffix_must_be_a_host_name() {
        assert_eq!(Provider::recognise("bad name.o-v1.mx.microsoft"), None);
        // The label boundary would fall inside 'é': no match, no panic.
        assert!(!is_under("aémx.microsoft", "mx.microsoft"));
        assert_eq!(Provider::recognise("aémx.microsoft"), None);
        assert!(is_under("a.mx.microsoft", "mx.microsoft"));
        assert!(is_under("A.MX.Microsoft", "mx.microsoft"));
        assert!(!is_under("mx.microsoft", "mx.microsoft"));
        assert!(!is_under(".mx.microsoft", "mx.microsoft"));
        assert!(!is_under("amx.microsoft", "mx.microsoft"));
        assert!(!is_under("a.mx.microsofx", "mx.microsoft"));
    }

    #[test]
    fn names_and_aliases() {
        assert_eq!(Provider::from_name("m365"), Some(Provider::Microsoft365));
        assert_eq!(
            Provider::from_name("Microsoft365"),
            Some(Provider::Microsoft365)
        );
        assert_eq!(Provider::from_name("icloud"), Some(Provider::IcloudMail));
        assert_eq!(Provider::from_name("gmail"), None);
        let mut seen = std::collections::HashSet::new();
        for p in Provider::ALL {
            assert_eq!(Provider::from_name(p.name()), Some(p));
            for name in std::iter::once(&p.name()).chain(p.aliases()) {
                assert!(seen.insert(*name), "{name} is used twice");
                assert!(
                    name.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                    "{name}"
                );
            }
        }
    }

    /// No two providers claim the same host: the order of the table never
    /// decides whose a host is.
    #[test]
    fn providers_do_not_overlap() {
        for p in Provider::ALL {
            for host in p.samples() {
                let claimed: Vec<Provider> = Provider::ALL
                    .into_iter()
                    .filter(|q| {
                        q.patterns().iter().any(|m| m.matches(host))
                            || q.per_customer_under().iter().any(|s| is_under(host, s))
                    })
                    .collect();
                assert_eq!(claimed, [p], "{host}");
            }
        }
    }
}
