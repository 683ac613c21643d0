//! The world `check` is tested in: a healthy `example.test` deployment
//! (DNS, the policy host, two MX hosts, all trusting one test CA), a
//! [`Spec`] of what to break, and [`run`], which checks it with the real
//! binary and reads `--json`.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::{
    DnsServer, Fault, HttpBehaviour, HttpsServer, Leaf, SmtpBehaviour, SmtpServer, TestCa,
    localhost, mtasts,
};

pub const POLICY: &str = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\nmx: *.backup.example.test\r\nmax_age: 604800\r\n";

pub fn now<F: std::future::Future>(f: F) -> F::Output {
    futures::executor::block_on(f)
}

pub use super::zone;

/// What to run: zone edits and server behaviours, defaulting to healthy.
pub struct Spec {
    pub domain: String,
    pub zone: String,
    pub faults: Vec<(String, Option<u16>, Fault)>,
    pub http: HttpBehaviour,
    pub http_leaf: Option<Leaf>,
    pub mx1: SmtpBehaviour,
    pub mx1_leaf: Option<Leaf>,
    pub mx2: SmtpBehaviour,
    pub mx2_leaf: Option<Leaf>,
    pub args: Vec<String>,
    pub timeout: &'static str,
    /// What to type on the command line instead of `domain`.
    pub input: Option<String>,
    /// A (signed) root zone served beside the domain's zone, answering
    /// its DS queries too.
    pub dns_root: Option<std::sync::Arc<dyn hickory_server::zone_handler::ZoneHandler>>,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            domain: "example.test".into(),
            zone: zone(),
            faults: Vec::new(),
            http: HttpBehaviour::policy(POLICY),
            http_leaf: None,
            mx1: SmtpBehaviour::Normal,
            mx1_leaf: None,
            mx2: SmtpBehaviour::Normal,
            mx2_leaf: None,
            args: Vec::new(),
            timeout: "3",
            input: None,
            dns_root: None,
        }
    }
}

impl Spec {
    pub fn zone_replace(mut self, from: &str, to: &str) -> Self {
        assert!(self.zone.contains(from), "zone lacks {from:?}");
        self.zone = self.zone.replace(from, to);
        self
    }

    pub fn http(mut self, b: HttpBehaviour) -> Self {
        self.http = b;
        self
    }

    pub fn policy(self, body: &str) -> Self {
        self.http(HttpBehaviour::policy(body))
    }

    pub fn http_policy(self, body: &str) -> Self {
        self.policy(body)
    }

    pub fn zone_replace_pub(self, from: &str, to: &str) -> Self {
        self.zone_replace(from, to)
    }
}

/// A running world and the result of checking it.
pub struct Run {
    pub json: Value,
    pub code: Option<i32>,
    pub stderr: String,
    pub elapsed: Duration,
    pub https: HttpsServer,
    pub smtp: Vec<SmtpServer>,
    _dns: DnsServer,
    _dir: tempfile::TempDir,
}

impl Run {
    pub fn domain(&self) -> &Value {
        &self.json["domains"][0]
    }

    pub fn verdict(&self) -> &str {
        self.domain()["verdict"].as_str().unwrap_or("?")
    }

    /// The finding `id` (for `subject` when given).
    #[track_caller]
    pub fn check(&self, id: &str, subject: Option<&str>) -> &Value {
        let checks = self.domain()["checks"].as_array().expect("checks array");
        checks
            .iter()
            .find(|c| c["id"] == id && subject.is_none_or(|s| c["subject"] == s))
            .unwrap_or_else(|| {
                panic!(
                    "no {id} {subject:?} in {}",
                    serde_json::to_string_pretty(checks).unwrap()
                )
            })
    }

    #[track_caller]
    pub fn status(&self, id: &str, subject: Option<&str>) -> &str {
        self.check(id, subject)["status"].as_str().unwrap_or("?")
    }

    #[track_caller]
    pub fn message(&self, id: &str, subject: Option<&str>) -> &str {
        self.check(id, subject)["message"].as_str().unwrap_or("")
    }
}

/// One CA for the whole test run: leaves made for a [`Spec`] before its
/// world exists are signed by the CA the world trusts.
pub fn ca() -> &'static TestCa {
    static CA: std::sync::OnceLock<TestCa> = std::sync::OnceLock::new();
    CA.get_or_init(TestCa::new)
}

pub struct World {
    pub dir: tempfile::TempDir,
    pub dns: DnsServer,
    pub https: HttpsServer,
    pub smtp: Vec<SmtpServer>,
    pub base_args: Vec<String>,
}

pub fn world(spec: &Spec) -> World {
    let ca = ca();
    let dir = tempfile::tempdir().unwrap();
    let ca_file = ca.write_pem(dir.path());
    let mut dns = DnsServer::builder().zone(&format!("{}.", spec.domain), &spec.zone);
    for (name, qtype, fault) in &spec.faults {
        dns = dns.fault(name, *qtype, *fault);
    }
    if let Some(root) = &spec.dns_root {
        dns = dns.handler(".", root.clone()).ds_handler(".", root.clone());
    }
    let dns = dns.start_now();
    let policy_host = format!("mta-sts.{}", spec.domain);
    let http_leaf = spec
        .http_leaf
        .clone()
        .unwrap_or_else(|| ca.leaf(&[&policy_host]));
    let https = now(HttpsServer::start(
        localhost(),
        &http_leaf,
        spec.http.clone(),
    ));
    let mx1_leaf = spec
        .mx1_leaf
        .clone()
        .unwrap_or_else(|| ca.leaf(&["mx1.example.test"]));
    let mx2_leaf = spec
        .mx2_leaf
        .clone()
        .unwrap_or_else(|| ca.leaf(&["mx2.backup.example.test"]));
    let mx1 = now(SmtpServer::start(
        localhost(),
        "mx1.example.test",
        Some(&mx1_leaf),
        spec.mx1,
    ));
    let mx2 = now(SmtpServer::start(
        localhost(),
        "mx2.backup.example.test",
        Some(&mx2_leaf),
        spec.mx2,
    ));
    let base_args = vec![
        "check".to_string(),
        "--json".into(),
        "--resolver".into(),
        dns.addr.to_string(),
        "--ca-file".into(),
        ca_file.display().to_string(),
        "--timeout".into(),
        spec.timeout.into(),
        "--connect-to".into(),
        format!("{policy_host}:443:{}", https.addr),
        "--connect-to".into(),
        format!("mx1.example.test:25:{}", mx1.addr),
        "--connect-to".into(),
        format!("mx2.backup.example.test:25:{}", mx2.addr),
    ];
    World {
        dir,
        dns,
        https,
        smtp: vec![mx1, mx2],
        base_args,
    }
}

pub fn run(spec: Spec) -> Run {
    let w = world(&spec);
    let mut args = w.base_args.clone();
    args.push(spec.input.clone().unwrap_or_else(|| spec.domain.clone()));
    args.extend(spec.args.iter().cloned());
    let started = Instant::now();
    let out = mtasts().args(&args).output().unwrap();
    let elapsed = started.elapsed();
    let stdout = String::from_utf8(out.stdout).expect("UTF-8 output");
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    Run {
        json,
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed,
        https: w.https,
        smtp: w.smtp,
        _dns: w.dns,
        _dir: w.dir,
    }
}
