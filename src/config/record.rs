//! The two TXT records the tool prints on their own: `gen-record`
//! (`_mta-sts`) and `gen-tlsrpt` (`_smtp._tls`).

use crate::Clock;
use crate::cli::{GenRecordArgs, GenTlsRptArgs};
use crate::error::Result;
use crate::generate::dns::RecordFormat;
use crate::model::{Domain, RuaUri, StsId};

/// How a record is shown: the layout, the owner's domain and the zone
/// line's TTL. A layout that names the owner comes with a domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordOutput {
    pub domain: Option<Domain>,
    pub format: RecordFormat,
    pub ttl: u32,
}

impl RecordOutput {
    fn new(domain: Option<Domain>, format: RecordFormat, ttl: u32) -> Result<RecordOutput> {
        format.check_domain(domain.as_ref())?;
        Ok(RecordOutput {
            domain,
            format,
            ttl,
        })
    }
}

/// `gen-record`: the id to publish and how to show the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenRecordConfig {
    /// `--id`, or the habitual time-based id of the run's clock.
    pub id: StsId,
    pub output: RecordOutput,
}

impl GenRecordConfig {
    pub fn from_args(args: &GenRecordArgs, clock: &Clock) -> Result<GenRecordConfig> {
        Ok(GenRecordConfig {
            id: args.id.clone().unwrap_or_else(|| clock.sts_id()),
            output: RecordOutput::new(args.domain.clone(), args.format, args.ttl)?,
        })
    }
}

/// `gen-tlsrpt`: where reports go, each URI once, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenTlsRptConfig {
    pub rua: Vec<RuaUri>,
    pub output: RecordOutput,
}

impl GenTlsRptConfig {
    pub fn from_args(args: &GenTlsRptArgs) -> Result<GenTlsRptConfig> {
        let mut rua: Vec<RuaUri> = Vec::new();
        for uri in &args.rua {
            if !rua.contains(uri) {
                rua.push(uri.clone());
            }
        }
        Ok(GenTlsRptConfig {
            rua,
            output: RecordOutput::new(args.domain.clone(), args.format, args.ttl)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use chrono::{TimeZone, Utc};

    fn clock() -> Clock {
        Clock::fixed(Utc.with_ymd_and_hms(2026, 11, 28, 19, 53, 0).unwrap())
    }

    fn record_args(id: Option<&str>, domain: Option<&str>, format: RecordFormat) -> GenRecordArgs {
        GenRecordArgs {
            domain: domain.map(|d| Domain::parse(d).unwrap()),
            id: id.map(|i| StsId::parse(i).unwrap()),
            format,
            ttl: 3600,
        }
    }

    #[test]
    fn the_id_defaults_to_the_clock() {
        let c = GenRecordConfig::from_args(&record_args(None, None, RecordFormat::Txt), &clock())
            .unwrap();
        assert_eq!(c.id.as_str(), "20261128195300Z");
        let c = GenRecordConfig::from_args(
            &record_args(Some("x1"), None, RecordFormat::Json),
            &clock(),
        )
        .unwrap();
        assert_eq!(c.id.as_str(), "x1");
    }

    #[test]
    fn zone_and_powershell_need_the_domain() {
        for (format, name) in [
            (RecordFormat::Zone, "zone"),
            (RecordFormat::Powershell, "powershell"),
        ] {
            assert!(matches!(
                GenRecordConfig::from_args(&record_args(None, None, format), &clock()),
                Err(Error::FormatNeedsDomain { format: f }) if f == name
            ));
            assert!(
                GenRecordConfig::from_args(
                    &record_args(None, Some("contoso.com"), format),
                    &clock()
                )
                .is_ok()
            );
        }
    }

    #[test]
    fn rua_uris_are_kept_once_in_order() {
        let uri = |s: &str| RuaUri::parse(s).unwrap();
        let c = GenTlsRptConfig::from_args(&GenTlsRptArgs {
            rua: vec![
                uri("mailto:b@contoso.com"),
                uri("https://r.contoso.com/"),
                uri("mailto:b@contoso.com"),
            ],
            domain: None,
            format: RecordFormat::Txt,
            ttl: 3600,
        })
        .unwrap();
        assert_eq!(
            c.rua,
            [uri("mailto:b@contoso.com"), uri("https://r.contoso.com/")]
        );
    }
}
