//! `gen-policy --list-providers`: the providers `--provider` knows, the mx
//! lines each adds, and the documentation behind them — as text for people,
//! or one JSON document for scripts.

use std::fmt::Write as _;

use serde::Serialize;

use crate::model::Provider;

/// One block per provider: name and aliases, the mx lines, the hosts kept
/// exact, and each source with what it says.
pub fn human(providers: &[Provider]) -> String {
    let mut out = String::new();
    for (i, p) in providers.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = write!(out, "{}: {}", p.name(), p.title());
        if !p.aliases().is_empty() {
            let _ = write!(out, " (also: {})", p.aliases().join(", "));
        }
        out.push('\n');
        for mx in p.patterns() {
            let _ = writeln!(out, "  mx: {mx}");
        }
        for suffix in p.per_customer_under() {
            let _ = writeln!(
                out,
                "  hosts under {suffix}: no pattern documented; init lists each exactly"
            );
        }
        for s in p.sources() {
            let _ = writeln!(out, "  source: {}", s.url);
            let _ = writeln!(out, "    {}", s.says);
        }
    }
    out
}

#[derive(Serialize)]
struct JsonDoc {
    providers: Vec<JsonProvider>,
}

#[derive(Serialize)]
struct JsonProvider {
    name: &'static str,
    aliases: &'static [&'static str],
    title: &'static str,
    mx: Vec<String>,
    per_customer_hosts_under: &'static [&'static str],
    sources: Vec<JsonSource>,
    sample_hosts: &'static [&'static str],
}

#[derive(Serialize)]
struct JsonSource {
    url: &'static str,
    says: &'static str,
}

/// `{"providers": [...]}`, in the order of the text.
pub fn json(providers: &[Provider]) -> String {
    let doc = JsonDoc {
        providers: providers
            .iter()
            .map(|p| JsonProvider {
                name: p.name(),
                aliases: p.aliases(),
                title: p.title(),
                mx: p.patterns().iter().map(ToString::to_string).collect(),
                per_customer_hosts_under: p.per_customer_under(),
                sources: p
                    .sources()
                    .iter()
                    .map(|s| JsonSource {
                        url: s.url,
                        says: s.says,
                    })
                    .collect(),
                sample_hosts: p.samples(),
            })
            .collect(),
    };
    let mut s =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_per_provider() {
        let text = human(&[Provider::Microsoft365, Provider::ProtonMail]);
        assert_eq!(
            text,
            format!(
                "microsoft365: Microsoft 365 / Exchange Online (also: m365, office365, exchange-online)
  mx: *.mail.protection.outlook.com
  hosts under mx.microsoft: no pattern documented; init lists each exactly
{}

proton-mail: Proton Mail (also: proton, protonmail)
  mx: mail.protonmail.ch
  mx: mailsec.protonmail.ch
  source: https://proton.me/support/custom-domain
    {}
",
                Provider::Microsoft365
                    .sources()
                    .iter()
                    .map(|s| format!("  source: {}\n    {}", s.url, s.says))
                    .collect::<Vec<_>>()
                    .join("\n"),
                Provider::ProtonMail.sources()[0].says
            )
        );
        assert!(human(&[Provider::Fastmail]).starts_with("fastmail: Fastmail\n  mx: in1-smtp"));
        assert_eq!(human(&[]), "");
    }

    #[test]
    fn json_lists_every_field() {
        let v: serde_json::Value = serde_json::from_str(&json(&[Provider::Microsoft365])).unwrap();
        let p = &v["providers"][0];
        assert_eq!(p["name"], "microsoft365");
        assert_eq!(p["aliases"][0], "m365");
        assert_eq!(p["title"], "Microsoft 365 / Exchange Online");
        assert_eq!(
            p["mx"],
            serde_json::json!(["*.mail.protection.outlook.com"])
        );
        assert_eq!(
            p["per_customer_hosts_under"],
            serde_json::json!(["mx.microsoft"])
        );
        assert_eq!(
            p["sources"][0]["url"],
            "https://learn.microsoft.com/en-us/purview/enhancing-mail-flow-with-mta-sts"
        );
        assert!(
            p["sources"][0]["says"]
                .as_str()
                .unwrap()
                .contains("*.mail.protection")
        );
        assert_eq!(
            p["sample_hosts"][0],
            "contoso-com.mail.protection.outlook.com"
        );
        assert!(json(&[]).ends_with("}\n"));
    }
}
