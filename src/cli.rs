//! The command-line interface: clap definitions and the parsers of flag
//! values. Lives in the library so tests can build the same `Command` to
//! generate completions and check them.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};

use crate::check::facts::Budget;
use crate::check::rules::expiry::ExpiryWarn;
use crate::config::check::Shard;
use crate::generate::dns::RecordFormat;
use crate::generate::hosting::Target;
use crate::model::{
    Domain, Matching, MaxAge, Mode, MxPattern, Provider, RuaUri, Selector, StsId, Usage,
};
use crate::probe::ConnectTo;

/// Generate, verify and monitor MTA-STS (RFC 8461) and TLS-RPT (RFC 8460).
#[derive(Debug, Parser)]
#[command(
    name = "mtasts",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub color: colorchoice_clap::Color,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the _mta-sts TXT record (v=STSv1; id=…) with a fresh id.
    GenRecord(GenRecordArgs),
    /// Print the _smtp._tls TXT record (v=TLSRPTv1; rua=…).
    #[command(name = "gen-tlsrpt")]
    GenTlsRpt(GenTlsRptArgs),
    /// Print the _25._tcp TLSA record (DANE, RFC 7672) of an MX host's certificate.
    #[command(name = "gen-tlsa")]
    GenTlsa(GenTlsaArgs),
    /// Render a policy file (.well-known/mta-sts.txt).
    GenPolicy(GenPolicyArgs),
    /// Validate a local policy file or a TXT record value.
    Lint(LintArgs),
    /// Verify a live deployment (DNS, HTTPS policy, SMTP STARTTLS) as a sending MTA would.
    Check(CheckArgs),
    /// Write everything a domain must publish: policy, DNS records, hosting, checklist.
    Init(InitArgs),
    /// Render the policy as a deployable artifact for a web host or serverless platform.
    GenHosting(GenHostingArgs),
    /// Switch an init directory from testing to enforce, with a longer max_age and a new id.
    Promote(PromoteArgs),
    /// Withdraw MTA-STS safely: mode none, a short max_age, a new id (RFC 8461 §8.3).
    Retire(RetireArgs),
    /// Summarise TLS-RPT reports and say whether it is safe to enforce.
    Report(ReportArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct GenRecordArgs {
    /// The mail domain the record is for (shows the owner name _mta-sts.DOMAIN).
    #[arg(long, value_name = "DOMAIN")]
    pub domain: Option<Domain>,
    /// The id to publish: 1-32 letters or digits [default: the UTC time, e.g. 20261128195300Z].
    #[arg(long, value_name = "ID")]
    pub id: Option<StsId>,
    #[arg(long, value_enum, default_value_t = RecordFormat::Txt)]
    pub format: RecordFormat,
    /// TTL for --format zone.
    #[arg(
        long,
        allow_negative_numbers = true,
        value_name = "SECS",
        default_value_t = 3600
    )]
    pub ttl: u32,
}

#[derive(Debug, Args)]
pub struct GenTlsRptArgs {
    /// Where reports go: mailto:ADDRESS or https://URL (repeatable).
    #[arg(long, value_name = "URI", required = true)]
    pub rua: Vec<RuaUri>,
    /// The mail domain the record is for (shows the owner name _smtp._tls.DOMAIN).
    #[arg(long, value_name = "DOMAIN")]
    pub domain: Option<Domain>,
    #[arg(long, value_enum, default_value_t = RecordFormat::Txt)]
    pub format: RecordFormat,
    /// TTL for --format zone.
    #[arg(
        long,
        allow_negative_numbers = true,
        value_name = "SECS",
        default_value_t = 3600
    )]
    pub ttl: u32,
}

#[derive(Debug, Args)]
pub struct GenTlsaArgs {
    /// The certificate the MX host serves, in PEM: its full chain for --usage 2.
    #[arg(long, value_name = "FILE")]
    pub cert: PathBuf,
    /// The MX host the certificate is for (the record's owner is _25._tcp.HOST).
    #[arg(long, value_name = "HOST")]
    pub host: Domain,
    /// 3: DANE-EE, the server's own certificate or key; 2: DANE-TA, its issuer.
    #[arg(long, default_value = "3", value_parser = tlsa_usage_parser())]
    pub usage: Usage,
    /// 1: the public key (SPKI), unchanged by a renewal with the same key; 0: the whole certificate.
    #[arg(long, default_value = "1", value_parser = tlsa_selector_parser())]
    pub selector: Selector,
    /// 1: SHA-256; 2: SHA-512; 0: the selected bytes in full.
    #[arg(long, default_value = "1", value_parser = tlsa_matching_parser())]
    pub matching: Matching,
    /// The certificate to switch to: print both records and the steps of the key change.
    #[arg(long, value_name = "FILE")]
    pub next_cert: Option<PathBuf>,
    /// The DNS zone holding the host's name, for --format powershell [default: the host's parent domain].
    #[arg(long, value_name = "ZONE")]
    pub zone: Option<Domain>,
    #[arg(long, value_enum, default_value_t = RecordFormat::Txt)]
    pub format: RecordFormat,
    /// TTL for --format zone and json, and the wait of a key change.
    #[arg(
        long,
        allow_negative_numbers = true,
        value_name = "SECS",
        default_value_t = 3600
    )]
    pub ttl: u32,
}

/// What goes into a policy; shared by the commands that write one.
#[derive(Debug, Clone, Args)]
pub struct PolicyArgs {
    /// Policy mode.
    #[arg(long, default_value = "testing", value_parser = mode_parser())]
    pub mode: Mode,
    /// An MX host or '*.'-wildcard the policy allows (repeatable); IDN names are converted to A-labels.
    #[arg(long, value_name = "PATTERN", value_parser = parse_mx)]
    pub mx: Vec<MxPattern>,
    /// Add the mx lines a hosted mail provider documents (repeatable; mtasts gen-policy --list-providers names them).
    #[arg(long, value_enum, value_name = "NAME", hide_possible_values = true)]
    pub provider: Vec<Provider>,
    /// Seconds senders cache the policy, 0..=31557600 [default: 604800 for enforce, 86400 otherwise].
    #[arg(long, allow_negative_numbers = true, value_name = "SECS")]
    pub max_age: Option<MaxAge>,
}

#[derive(Debug, Args)]
pub struct GenPolicyArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Print the providers --provider knows (names, mx lines, their documentation) and exit.
    #[arg(long, conflicts_with_all = ["mode", "mx", "provider", "max_age", "output", "force"])]
    pub list_providers: bool,
    /// With --list-providers: one JSON document instead of text.
    #[arg(long, requires = "list_providers")]
    pub json: bool,
    /// Write the policy to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace an existing --output file whose content differs.
    #[arg(long, requires = "output")]
    pub force: bool,
}

/// Where and how a hosting artifact serves the policy.
#[derive(Debug, Clone, Args)]
pub struct HostingArgs {
    /// Cloudflare Worker: use the classic addEventListener('fetch', …) syntax.
    #[arg(long)]
    pub classic: bool,
    /// Certificate chain (PEM) path written into nginx/Caddy/Apache configurations.
    #[arg(long, value_name = "PATH")]
    pub cert: Option<String>,
    /// Private key (PEM) path written into nginx/Caddy/Apache configurations.
    #[arg(long, value_name = "PATH")]
    pub key: Option<String>,
    /// Document root holding .well-known/mta-sts.txt [default: /var/www/mta-sts.DOMAIN].
    #[arg(long, value_name = "DIR")]
    pub webroot: Option<String>,
    /// Listen on ADDR:PORT or PORT instead of 443 (nginx, Caddy, Apache).
    #[arg(long, value_name = "ADDR:PORT")]
    pub listen: Option<String>,
}

#[derive(Debug, Args)]
pub struct GenHostingArgs {
    /// Where the policy will be hosted.
    #[arg(value_enum)]
    pub target: Target,
    /// The mail domain (the policy host is mta-sts.DOMAIN).
    #[arg(long, value_name = "DOMAIN")]
    pub domain: Domain,
    /// Serve this existing policy file instead of one built from --mode/--mx.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["mx", "provider", "max_age"])]
    pub policy_file: Option<PathBuf>,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub hosting: HostingArgs,
    /// Write the files under DIR instead of printing them.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace files under --out whose content differs.
    #[arg(long, requires = "out")]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The mail domain to set up.
    #[arg(value_name = "DOMAIN")]
    pub domain: Domain,
    /// Directory to write [default: mta-sts-DOMAIN].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Policy mode to start with.
    #[arg(long, default_value = "testing", value_parser = mode_parser())]
    pub mode: Mode,
    /// Seconds senders cache the policy [default: 604800 for enforce, 86400 otherwise].
    #[arg(long, allow_negative_numbers = true, value_name = "SECS")]
    pub max_age: Option<MaxAge>,
    /// Where TLS reports go (repeatable) [default: mailto:tlsrpt@DOMAIN].
    #[arg(long, value_name = "URI")]
    pub rua: Vec<RuaUri>,
    /// Hosting artifacts to generate (repeatable).
    #[arg(long = "host", value_enum, value_name = "TARGET")]
    pub hosts: Vec<Target>,
    /// Use these mx patterns instead of deriving them from the live MX records (repeatable).
    #[arg(long, value_name = "PATTERN", value_parser = parse_mx)]
    pub mx: Vec<MxPattern>,
    /// Write the policy even if a live MX host is not covered by any pattern.
    #[arg(long)]
    pub allow_uncovered: bool,
    /// Send every DNS query to this server only, ADDR or ADDR:PORT.
    #[arg(long, value_name = "ADDR[:PORT]", value_parser = parse_resolver)]
    pub resolver: Option<SocketAddr>,
    /// Validate DNSSEC (whether the MX records are signed, for the DANE steps) from the DS or DNSKEY records in FILE, instead of the root's keys.
    #[arg(long, value_name = "FILE")]
    pub trust_anchor: Option<PathBuf>,
    /// Bound of each DNS query, in seconds.
    #[arg(long, allow_negative_numbers = true, value_name = "SECS", default_value = "10", value_parser = parse_timeout)]
    pub timeout: Duration,
    #[command(flatten)]
    pub hosting: HostingArgs,
}

#[derive(Debug, Args)]
pub struct PromoteArgs {
    /// A directory written by `mtasts init`.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// max_age of the enforced policy, at least a week is recommended [default: 1209600].
    #[arg(long, allow_negative_numbers = true, value_name = "SECS")]
    pub max_age: Option<MaxAge>,
}

#[derive(Debug, Args)]
pub struct RetireArgs {
    /// A directory written by `mtasts init`.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// The policy file to check ('-' for standard input).
    #[arg(value_name = "FILE", conflicts_with_all = ["record", "tlsrpt"])]
    pub file: Option<PathBuf>,
    /// Check a _mta-sts TXT record value instead, e.g. 'v=STSv1; id=20261128195300Z'.
    #[arg(long, value_name = "VALUE", conflicts_with = "tlsrpt")]
    pub record: Option<String>,
    /// Check a _smtp._tls TXT record value instead, e.g. 'v=TLSRPTv1; rua=mailto:tlsrpt@contoso.com'.
    #[arg(long, value_name = "VALUE")]
    pub tlsrpt: Option<String>,
    /// The policy's domain, to warn about an mx wildcard over the whole domain.
    #[arg(long, value_name = "DOMAIN")]
    pub domain: Option<Domain>,
    /// Print one JSON document on stdout instead of the diagnostics.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Mail domains to check (case-insensitive; IDN and a trailing dot accepted).
    #[arg(value_name = "DOMAIN")]
    pub domains: Vec<Domain>,
    /// Print the catalogue of checks (id, scope, what each verifies) and exit.
    #[arg(long, conflicts_with_all = ["domains", "file", "jsonl", "csv", "shard", "verbose"])]
    pub list_checks: bool,
    /// Read more domains from FILE, one per line, '#' comments ('-' for standard input).
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Send every DNS query to this server only, ADDR or ADDR:PORT ([v6]:PORT).
    #[arg(long, value_name = "ADDR[:PORT]", value_parser = parse_resolver)]
    pub resolver: Option<SocketAddr>,
    /// Trust the CA certificates in this PEM file too (policy HTTPS and SMTP STARTTLS).
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// Validate DNSSEC (for the DANE checks) from the DS or DNSKEY records in FILE, in zone-file syntax, instead of the root's keys.
    #[arg(long, value_name = "FILE")]
    pub trust_anchor: Option<PathBuf>,
    /// Bound of each network operation, in seconds.
    #[arg(long, allow_negative_numbers = true, value_name = "SECS", default_value = "10", value_parser = parse_timeout)]
    pub timeout: Duration,
    /// Skip the SMTP probes of the MX hosts (reported as skip).
    #[arg(long)]
    pub no_smtp: bool,
    /// Warn when a certificate (policy host or MX host) expires within DAYS; 0 turns it off.
    #[arg(long, allow_negative_numbers = true, value_name = "DAYS", default_value_t = ExpiryWarn::DEFAULT_DAYS, value_parser = parse_expiry_days)]
    pub expiry_warn: u32,
    /// Print one JSON document on stdout instead of the report.
    #[arg(long, conflicts_with_all = ["jsonl", "csv"])]
    pub json: bool,
    /// Print one JSON object per line, a domain each as it completes, with its input position.
    #[arg(long, conflicts_with = "csv")]
    pub jsonl: bool,
    /// Print a CSV header, then one row per domain as it completes.
    #[arg(long)]
    pub csv: bool,
    /// With several domains, show every check of each, not only its warnings and failures.
    #[arg(long, short, conflicts_with_all = ["json", "jsonl", "csv"])]
    pub verbose: bool,
    /// Check only part K of N of the domains (K from 0 to N-1), split by a stable hash of each name.
    #[arg(long, value_name = "K/N", value_parser = Shard::parse)]
    pub shard: Option<Shard>,
    /// How many domains to check at once.
    #[arg(long, allow_negative_numbers = true, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub concurrency: u16,
    /// At most N connections open to one IP address at a time (SMTP and HTTPS together).
    #[arg(long, allow_negative_numbers = true, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub per_address: u16,
    /// Bound of all of one domain's checks, in seconds: what is unfinished then fails as timed out.
    #[arg(long, allow_negative_numbers = true, value_name = "SECS", default_value = Budget::DEFAULT_SECS, value_parser = parse_timeout)]
    pub domain_timeout: Duration,
    /// Reach HOST:PORT at ADDR:PORT instead, keeping HOST as the TLS name (curl's convention; repeatable).
    #[arg(long, value_name = "HOST:PORT:ADDR:PORT", value_parser = ConnectTo::parse)]
    pub connect_to: Vec<ConnectTo>,
    /// Remember each domain's id and policy digest in DIR, and fail when the policy changed but the id did not.
    #[arg(long, value_name = "DIR")]
    pub state: Option<PathBuf>,
    /// Port of the policy host (for test setups; senders always use 443).
    #[arg(long, value_name = "PORT", default_value_t = 443, hide = true)]
    pub policy_port: u16,
    /// Port of the MX hosts (for test setups; senders always use 25).
    #[arg(long, value_name = "PORT", default_value_t = 25, hide = true)]
    pub smtp_port: u16,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Reports: .json, .json.gz, .eml, mbox files, Maildir folders, directories of these, or an IMAP mailbox (imaps://USER@HOST[:PORT]/MAILBOX; imap:// with STARTTLS).
    #[arg(value_name = "PATH|URL", required = true)]
    pub paths: Vec<PathBuf>,
    /// Only this policy domain.
    #[arg(long, value_name = "DOMAIN")]
    pub domain: Option<Domain>,
    /// Reporting organisations that must have reported sessions under the current policy.
    #[arg(long, allow_negative_numbers = true, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..))]
    pub min_reporters: u16,
    /// Days with sessions under the current policy.
    #[arg(long, allow_negative_numbers = true, value_name = "DAYS", default_value_t = 14, value_parser = clap::value_parser!(u16).range(1..))]
    pub min_days: u16,
    /// Only reports from this day on (YYYY-MM-DD): judge from the day a
    /// problem was fixed.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<chrono::NaiveDate>,
    /// Print one JSON document instead of the summary.
    #[arg(long)]
    pub json: bool,
    /// Also write the report as one self-contained HTML page to FILE (atomically).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Replace an existing --html file whose content differs.
    #[arg(long, requires = "html")]
    pub force: bool,
    /// Count reports from mail without checking their DKIM signature
    /// (for mail a system you trust verified on arrival).
    #[arg(long)]
    pub trust_unsigned: bool,
    /// Look DKIM keys up at this server only, ADDR or ADDR:PORT ([v6]:PORT).
    #[arg(long, value_name = "ADDR[:PORT]", value_parser = parse_resolver)]
    pub resolver: Option<SocketAddr>,
    /// The IMAP password is the first line of FILE (otherwise $MTASTS_IMAP_PASSWORD).
    #[arg(long, value_name = "FILE")]
    pub imap_password_file: Option<PathBuf>,
    /// After the summary, move the IMAP messages read as reports to FOLDER (the mailbox is otherwise left as it was).
    #[arg(long, value_name = "FOLDER")]
    pub imap_move_to: Option<String>,
    /// Trust the CA certificates in this PEM file too (for the IMAP server).
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// Bound of each network step, in seconds: a DNS query for a DKIM key,
    /// an IMAP command.
    #[arg(long, allow_negative_numbers = true, value_name = "SECS", default_value = "30", value_parser = parse_timeout)]
    pub timeout: Duration,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `--provider` takes the names and aliases of [`Provider`]; the model stays
/// free of clap, so the value enum is declared here.
impl clap::ValueEnum for Provider {
    fn value_variants<'a>() -> &'a [Self] {
        &Provider::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(
            clap::builder::PossibleValue::new(self.name())
                .aliases(self.aliases().iter().copied())
                .help(self.title()),
        )
    }
}

fn mode_parser() -> impl TypedValueParser<Value = Mode> {
    PossibleValuesParser::new(["enforce", "testing", "none"]).try_map(|s| Mode::parse(&s))
}

/// `--usage`: the two usages SMTP senders use (RFC 7672 §3.1).
fn tlsa_usage_parser() -> impl TypedValueParser<Value = Usage> {
    PossibleValuesParser::new(["3", "2"]).map(|s| {
        if s == "2" {
            Usage::DaneTa
        } else {
            Usage::DaneEe
        }
    })
}

fn tlsa_selector_parser() -> impl TypedValueParser<Value = Selector> {
    PossibleValuesParser::new(["1", "0"]).map(|s| {
        if s == "0" {
            Selector::FullCertificate
        } else {
            Selector::SubjectPublicKeyInfo
        }
    })
}

fn tlsa_matching_parser() -> impl TypedValueParser<Value = Matching> {
    PossibleValuesParser::new(["1", "2", "0"]).map(|s| match s.as_str() {
        "0" => Matching::Exact,
        "2" => Matching::Sha512,
        _ => Matching::Sha256,
    })
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("'{s}' is not a date: write it as YYYY-MM-DD, e.g. 2026-11-28"))
}

fn parse_mx(s: &str) -> Result<MxPattern, String> {
    MxPattern::from_user_input(s).map_err(|e| e.to_string())
}

/// `ADDR`, `ADDR:PORT`, `[V6]:PORT` or a bare IPv6 address.
pub fn parse_resolver(s: &str) -> Result<SocketAddr, String> {
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, 53));
    }
    if let Ok(sa) = s.parse::<SocketAddr>() {
        return Ok(sa);
    }
    if let Some(Ok(ip)) = s
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .map(str::parse::<IpAddr>)
    {
        return Ok(SocketAddr::new(ip, 53));
    }
    Err(format!(
        "'{}' is not an IP address with an optional port, such as 127.0.0.1, 127.0.0.1:5353 or [::1]:53",
        crate::text::escape(s)
    ))
}

fn parse_timeout(s: &str) -> Result<Duration, String> {
    match s.parse::<f64>() {
        Ok(secs) if (0.001..=3600.0).contains(&secs) => Ok(Duration::from_secs_f64(secs)),
        _ => Err(format!(
            "'{}' is not a number of seconds from 0.001 to 3600, such as 10 or 2.5",
            crate::text::escape(s)
        )),
    }
}

/// Days for `--expiry-warn`: 0 (off) to ten years, longer than any
/// certificate lives.
fn parse_expiry_days(s: &str) -> Result<u32, String> {
    match s.parse::<u32>() {
        Ok(days) if days <= 3650 => Ok(days),
        _ => Err(format!(
            "'{}' is not a number of days from 0 to 3650, such as 14 or 30 (0 turns the warning off)",
            crate::text::escape(s)
        )),
    }
}

/// Turns a clap error into the one line this tool prints for bad input:
/// the message and any tip, without the usage block.
pub fn one_line_error(err: &clap::Error) -> String {
    let text = err.render().to_string();
    let head = text.split("\nUsage:").next().unwrap_or(&text);
    let mut line = head
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("For more information"))
        .collect::<Vec<_>>()
        .join(" ");
    if !line.starts_with("error:") {
        line = format!("error: {line}");
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolver_forms() {
        assert_eq!(
            parse_resolver("127.0.0.1").unwrap(),
            "127.0.0.1:53".parse().unwrap()
        );
        assert_eq!(
            parse_resolver("127.0.0.1:5353").unwrap(),
            "127.0.0.1:5353".parse().unwrap()
        );
        assert_eq!(parse_resolver("::1").unwrap(), "[::1]:53".parse().unwrap());
        assert_eq!(
            parse_resolver("[::1]").unwrap(),
            "[::1]:53".parse().unwrap()
        );
        assert_eq!(
            parse_resolver("[::1]:5353").unwrap(),
            "[::1]:5353".parse().unwrap()
        );
        assert!(parse_resolver("dns.example").is_err());
        assert!(parse_resolver("1.2.3.4:99999").is_err());
    }

    #[test]
    fn expiry_days() {
        assert_eq!(parse_expiry_days("0"), Ok(0));
        assert_eq!(parse_expiry_days("3650"), Ok(3650));
        for bad in ["3651", "-1", "two", "1.5", ""] {
            assert!(parse_expiry_days(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn timeouts() {
        assert_eq!(parse_timeout("2.5").unwrap(), Duration::from_millis(2500));
        assert!(parse_timeout("0").is_err());
        assert!(parse_timeout("-1").is_err());
        assert!(parse_timeout("abc").is_err());
        assert!(parse_timeout("NaN").is_err());
    }
}
