//! One TXT record rendered for the tool the admin pastes it into.

use crate::error::{Error, Result};
use crate::model::Domain;

/// Output layout of a DNS record. A clap value enum, so that the flag and
/// the renderer share one definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RecordFormat {
    /// Plain text: the record's value (with its owner name, when known).
    Txt,
    /// A BIND zone-file line.
    Zone,
    /// The Windows DNS Server PowerShell command.
    Powershell,
    /// A JSON object with name, type and value.
    Json,
}

impl RecordFormat {
    /// A zone-file line and a PowerShell command name the record's owner,
    /// so they cannot be written without the domain. The one place this
    /// rule is decided: the configuration checks it before anything is
    /// printed, and [`TxtRecord::render`] never renders without it.
    pub fn check_domain(self, domain: Option<&Domain>) -> Result<()> {
        let format = match self {
            RecordFormat::Zone => "zone",
            RecordFormat::Powershell => "powershell",
            RecordFormat::Txt | RecordFormat::Json => return Ok(()),
        };
        match domain {
            Some(_) => Ok(()),
            None => Err(Error::FormatNeedsDomain { format }),
        }
    }
}

/// A TXT record to publish: which record it is (`_mta-sts` or `_smtp._tls`)
/// for which domain, and its value.
#[derive(Debug, Clone)]
pub struct TxtRecord<'a> {
    /// The label(s) before the domain: `_mta-sts` or `_smtp._tls`.
    pub prefix: &'static str,
    pub domain: Option<&'a Domain>,
    pub value: String,
    pub ttl: u32,
}

impl TxtRecord<'_> {
    /// The owner name without a trailing dot, when a domain is known.
    pub fn owner(&self) -> Option<String> {
        self.domain.map(|d| format!("{}.{}", self.prefix, d))
    }

    pub fn render(&self, format: RecordFormat) -> Result<String> {
        format.check_domain(self.domain)?;
        // Present whenever the format needs it: checked just above.
        let owner = self.owner().unwrap_or_default();
        let zone = self.domain.map(Domain::as_str).unwrap_or_default();
        Ok(match format {
            RecordFormat::Txt => match self.domain {
                Some(_) => format!("{owner}\n{}\n", self.value),
                None => format!("{}\n", self.value),
            },
            RecordFormat::Zone => format!(
                "{owner}. {} IN TXT {}\n",
                self.ttl,
                zone_strings(&self.value)
            ),
            RecordFormat::Powershell => format!(
                "Add-DnsServerResourceRecord -ZoneName \"{}\" -Name \"{}\" -Txt -DescriptiveText \"{}\"\n",
                zone,
                self.prefix,
                powershell_escape(&self.value)
            ),
            RecordFormat::Json => {
                let v = serde_json::json!({
                    "name": self.owner(),
                    "type": "TXT",
                    "ttl": self.ttl,
                    "value": self.value,
                });
                format!("{v}\n")
            }
        })
    }
}

/// Quotes a TXT value for a zone file, split into character-strings of at
/// most 255 bytes (a longer one is a syntax error in BIND and NSD).
pub fn zone_strings(value: &str) -> String {
    let mut parts = Vec::new();
    let mut current = String::new();
    for ch in value.chars() {
        if current.len() + ch.len_utf8() > 255 {
            parts.push(std::mem::take(&mut current));
        }
        current.push(ch);
    }
    parts.push(current);
    parts
        .iter()
        .map(|p| format!("\"{}\"", p.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Inside a double-quoted PowerShell string, `` ` ``, `"` and `$` are special.
fn powershell_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '`' | '"' | '$') {
            out.push('`');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(domain: Option<&Domain>) -> TxtRecord<'_> {
        TxtRecord {
            prefix: "_mta-sts",
            domain,
            value: "v=STSv1; id=20261128195300Z".into(),
            ttl: 3600,
        }
    }

    #[test]
    fn formats() {
        let d = Domain::parse("contoso.com").unwrap();
        assert_eq!(
            rec(None).render(RecordFormat::Txt).unwrap(),
            "v=STSv1; id=20261128195300Z\n"
        );
        assert_eq!(
            rec(Some(&d)).render(RecordFormat::Zone).unwrap(),
            "_mta-sts.contoso.com. 3600 IN TXT \"v=STSv1; id=20261128195300Z\"\n"
        );
        assert_eq!(
            rec(Some(&d)).render(RecordFormat::Powershell).unwrap(),
            "Add-DnsServerResourceRecord -ZoneName \"contoso.com\" -Name \"_mta-sts\" -Txt -DescriptiveText \"v=STSv1; id=20261128195300Z\"\n"
        );
        let json: serde_json::Value =
            serde_json::from_str(&rec(Some(&d)).render(RecordFormat::Json).unwrap()).unwrap();
        assert_eq!(json["name"], "_mta-sts.contoso.com");
        assert_eq!(json["type"], "TXT");
        assert!(matches!(
            rec(None).render(RecordFormat::Zone),
            Err(Error::FormatNeedsDomain { .. })
        ));
        assert!(matches!(
            rec(None).render(RecordFormat::Powershell),
            Err(Error::FormatNeedsDomain { .. })
        ));
    }

    #[test]
    fn long_values_split_into_255_byte_strings() {
        let long = "a".repeat(600);
        let z = zone_strings(&long);
        assert_eq!(z.matches('"').count(), 6);
        assert_eq!(z.replace(['"', ' '], ""), long);
    }

    #[test]
    fn powershell_specials_are_escaped() {
        assert_eq!(powershell_escape("a$b\"c`"), "a`$b`\"c``");
    }
}
