//! `gen-tlsa` through the real binary, against what OpenSSL computes from
//! the same certificates (made here by OpenSSL: an RSA CA, an RSA and an
//! EC server certificate it issued), and every usage error.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{mtasts, usage_error};

/// Runs `openssl args`, failing the test if it fails; returns stdout.
fn openssl(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl is installed");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// `<algorithm>sum` of the DER bytes an OpenSSL command wrote, the way
/// admins compute TLSA data by hand (`openssl … | sha256sum`).
fn digest(dir: &Path, der: &str, algorithm: &str) -> String {
    let out = Command::new(format!("{algorithm}sum"))
        .arg(der)
        .current_dir(dir)
        .output()
        .expect("coreutils are installed");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

/// The PKI of one test: `ca.pem`, `rsa.pem` and `ec.pem` (server
/// certificates for mx1.contoso.com, with their keys `*.key`), and the
/// chains `rsa-chain.pem` and `ec-chain.pem` (server first, then CA).
struct Pki {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

impl Pki {
    fn new() -> Pki {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let d = dir.as_path();
        openssl(
            d,
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-subj",
                "/CN=mtasts test CA",
                "-days",
                "30",
            ],
        );
        for (name, key) in [
            ("rsa", vec!["-newkey", "rsa:2048"]),
            (
                "ec",
                vec!["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
            ),
        ] {
            let (keyfile, csr, pem) = (
                format!("{name}.key"),
                format!("{name}.csr"),
                format!("{name}.pem"),
            );
            let mut args = vec!["req"];
            args.extend(key);
            args.extend([
                "-nodes",
                "-keyout",
                &keyfile,
                "-out",
                &csr,
                "-subj",
                "/CN=mx1.contoso.com",
            ]);
            openssl(d, &args);
            openssl(
                d,
                &[
                    "x509",
                    "-req",
                    "-in",
                    &csr,
                    "-CA",
                    "ca.pem",
                    "-CAkey",
                    "ca.key",
                    "-CAcreateserial",
                    "-out",
                    &pem,
                    "-days",
                    "30",
                ],
            );
            let chain = [
                std::fs::read(d.join(&pem)).unwrap(),
                std::fs::read(d.join("ca.pem")).unwrap(),
            ]
            .concat();
            std::fs::write(d.join(format!("{name}-chain.pem")), chain).unwrap();
        }
        Pki { _tmp: tmp, dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.join(name).to_str().unwrap().to_string()
    }

    fn write(&self, name: &str, bytes: &[u8]) -> String {
        std::fs::write(self.dir.join(name), bytes).unwrap();
        self.path(name)
    }

    /// `openssl x509 -pubkey -noout -in cert | openssl pkey -pubin -outform DER`, hashed.
    fn spki_digest(&self, cert: &str, algorithm: &str) -> String {
        let d = self.dir.as_path();
        let pubkey = openssl(d, &["x509", "-pubkey", "-noout", "-in", cert]);
        std::fs::write(d.join("pub.pem"), pubkey).unwrap();
        openssl(
            d,
            &[
                "pkey", "-pubin", "-in", "pub.pem", "-outform", "DER", "-out", "spki.der",
            ],
        );
        digest(d, "spki.der", algorithm)
    }

    /// `openssl x509 -outform DER`, hashed.
    fn cert_digest(&self, cert: &str, algorithm: &str) -> String {
        let d = self.dir.as_path();
        openssl(
            d,
            &["x509", "-in", cert, "-outform", "DER", "-out", "cert.der"],
        );
        digest(d, "cert.der", algorithm)
    }

    /// The DER of `cert` in hex, for matching type 0.
    fn cert_hex(&self, cert: &str) -> String {
        let d = self.dir.as_path();
        openssl(
            d,
            &["x509", "-in", cert, "-outform", "DER", "-out", "cert.der"],
        );
        std::fs::read(d.join("cert.der"))
            .unwrap()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

fn stdout_of(args: &[&str]) -> String {
    let out = mtasts().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const HOST: &str = "mx1.contoso.com";

#[test]
fn dane_ee_spki_sha256_agrees_with_openssl_for_rsa_and_ec() {
    let pki = Pki::new();
    for name in ["rsa", "ec"] {
        let want = pki.spki_digest(&format!("{name}.pem"), "sha256");
        // The server's certificate alone and the full chain give the same
        // record: usage 3 takes the first certificate.
        for file in [format!("{name}.pem"), format!("{name}-chain.pem")] {
            assert_eq!(
                stdout_of(&["gen-tlsa", "--cert", &pki.path(&file), "--host", HOST]),
                format!("_25._tcp.mx1.contoso.com. IN TLSA 3 1 1 {want}\n"),
                "{file}"
            );
        }
        assert_eq!(
            stdout_of(&[
                "gen-tlsa",
                "--cert",
                &pki.path(&format!("{name}.pem")),
                "--host",
                "MX1.Contoso.COM.",
                "--matching",
                "2",
            ]),
            format!(
                "_25._tcp.mx1.contoso.com. IN TLSA 3 1 2 {}\n",
                pki.spki_digest(&format!("{name}.pem"), "sha512")
            ),
            "{name}: SHA-512, and the host name normalised"
        );
    }
    // Two keys, two records.
    assert_ne!(
        pki.spki_digest("rsa.pem", "sha256"),
        pki.spki_digest("ec.pem", "sha256")
    );
}

/// A file with the key beside the certificate (as some servers take
/// them) gives the certificate's record; the key is passed over.
#[test]
fn a_key_beside_the_certificate_is_passed_over() {
    let pki = Pki::new();
    let combined = [
        std::fs::read(pki.dir.join("ec.key")).unwrap(),
        std::fs::read(pki.dir.join("ec-chain.pem")).unwrap(),
    ]
    .concat();
    let combined = pki.write("combined.pem", &combined);
    assert_eq!(
        stdout_of(&["gen-tlsa", "--cert", &combined, "--host", HOST]),
        format!(
            "_25._tcp.mx1.contoso.com. IN TLSA 3 1 1 {}\n",
            pki.spki_digest("ec.pem", "sha256")
        )
    );
}

#[test]
fn the_full_certificate_selector_agrees_with_openssl() {
    let pki = Pki::new();
    let cert = pki.path("ec.pem");
    for (matching, algorithm) in [("1", "sha256"), ("2", "sha512")] {
        assert_eq!(
            stdout_of(&[
                "gen-tlsa",
                "--cert",
                &cert,
                "--host",
                HOST,
                "--selector",
                "0",
                "--matching",
                matching,
            ]),
            format!(
                "_25._tcp.mx1.contoso.com. IN TLSA 3 0 {matching} {}\n",
                pki.cert_digest("ec.pem", algorithm)
            )
        );
    }
    assert_eq!(
        stdout_of(&[
            "gen-tlsa",
            "--cert",
            &cert,
            "--host",
            HOST,
            "--selector",
            "0",
            "--matching",
            "0",
        ]),
        format!(
            "_25._tcp.mx1.contoso.com. IN TLSA 3 0 0 {}\n",
            pki.cert_hex("ec.pem")
        )
    );
}

#[test]
fn dane_ta_takes_the_issuer_from_the_chain() {
    let pki = Pki::new();
    let ca_spki = pki.spki_digest("ca.pem", "sha256");
    for chain in ["rsa-chain.pem", "ec-chain.pem"] {
        assert_eq!(
            stdout_of(&[
                "gen-tlsa",
                "--cert",
                &pki.path(chain),
                "--host",
                HOST,
                "--usage",
                "2"
            ]),
            format!("_25._tcp.mx1.contoso.com. IN TLSA 2 1 1 {ca_spki}\n")
        );
    }
    assert_eq!(
        stdout_of(&[
            "gen-tlsa",
            "--cert",
            &pki.path("ec-chain.pem"),
            "--host",
            HOST,
            "--usage",
            "2",
            "--selector",
            "0",
            "--format",
            "zone",
            "--ttl",
            "300",
        ]),
        format!(
            "_25._tcp.mx1.contoso.com. 300 IN TLSA 2 0 1 {}\n",
            pki.cert_digest("ca.pem", "sha256")
        )
    );
    // Both servers' certificates come from the same CA: a change from one
    // to the other needs no new DANE-TA record.
    let out = stdout_of(&[
        "gen-tlsa",
        "--cert",
        &pki.path("rsa-chain.pem"),
        "--next-cert",
        &pki.path("ec-chain.pem"),
        "--host",
        HOST,
        "--usage",
        "2",
    ]);
    assert_eq!(out.matches("IN TLSA").count(), 1, "{out}");
    assert!(out.contains("without a change in DNS"), "{out}");
}

#[test]
fn a_key_change_prints_both_records_and_the_steps() {
    let pki = Pki::new();
    let (old, new) = (
        pki.spki_digest("rsa.pem", "sha256"),
        pki.spki_digest("ec.pem", "sha256"),
    );
    let out = stdout_of(&[
        "gen-tlsa",
        "--cert",
        &pki.path("rsa.pem"),
        "--next-cert",
        &pki.path("ec-chain.pem"),
        "--host",
        HOST,
        "--format",
        "zone",
    ]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[lines.len() - 2..],
        [
            format!("_25._tcp.mx1.contoso.com. 3600 IN TLSA 3 1 1 {old}"),
            format!("_25._tcp.mx1.contoso.com. 3600 IN TLSA 3 1 1 {new}"),
        ],
        "{out}"
    );
    let steps = &lines[..lines.len() - 2];
    assert!(steps.iter().all(|l| l.starts_with("; ")), "{out}");
    for needle in [
        "publish both records",
        "wait at least two TTLs (2 × 3600 s = 2 hours)",
        "switch mx1.contoso.com to the next certificate",
        "then remove the first record",
    ] {
        assert!(out.contains(needle), "{needle}: {out}");
    }
    let json: serde_json::Value = serde_json::from_str(&stdout_of(&[
        "gen-tlsa",
        "--cert",
        &pki.path("rsa.pem"),
        "--next-cert",
        &pki.path("ec.pem"),
        "--host",
        HOST,
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(json["records"][0]["data"], old.as_str());
    assert_eq!(json["records"][0]["certificate"], "current");
    assert_eq!(json["records"][1]["data"], new.as_str());
    assert_eq!(json["records"][1]["certificate"], "next");
    assert_eq!(json["steps"].as_array().unwrap().len(), 4);
}

#[test]
fn formats() {
    let pki = Pki::new();
    let cert = pki.path("ec.pem");
    let hex = pki.spki_digest("ec.pem", "sha256");
    assert_eq!(
        stdout_of(&[
            "gen-tlsa",
            "--cert",
            &cert,
            "--host",
            HOST,
            "--format",
            "powershell"
        ]),
        format!(
            "Add-DnsServerResourceRecord -ZoneName \"contoso.com\" -Name \"_25._tcp.mx1\" -TLSA -CertificateUsage DomainIssuedCertificate -Selector SubjectPublicKeyInfo -MatchingType Sha256Hash -CertificateAssociationData \"{hex}\"\n"
        )
    );
    assert!(
        stdout_of(&[
            "gen-tlsa",
            "--cert",
            &cert,
            "--host",
            "mx1.mail.contoso.com",
            "--zone",
            "contoso.com",
            "--format",
            "powershell",
        ])
        .contains("-ZoneName \"contoso.com\" -Name \"_25._tcp.mx1.mail\" ")
    );
    let json: serde_json::Value = serde_json::from_str(&stdout_of(&[
        "gen-tlsa", "--cert", &cert, "--host", HOST, "--format", "json",
    ]))
    .unwrap();
    assert_eq!(json["name"], "_25._tcp.mx1.contoso.com");
    assert_eq!(json["type"], "TLSA");
    assert_eq!(json["value"], format!("3 1 1 {hex}"));
    assert_eq!(json["data"], hex);
}

#[test]
fn usage_errors() {
    let pki = Pki::new();
    let ok = pki.path("ec.pem");
    let key = pki.path("ec.key");
    let empty = pki.write("empty.pem", b"");
    let blank = pki.write("blank.pem", b"\n  \n");
    let garbage = pki.write("garbage.pem", b"this is not a certificate\n");
    let bad_body = pki.write(
        "bad-body.pem",
        b"-----BEGIN CERTIFICATE-----\nTUlJQmFkQ2VydA==\n-----END CERTIFICATE-----\n",
    );
    let der = pki.path("ec.der");
    openssl(
        &pki.dir,
        &["x509", "-in", "ec.pem", "-outform", "DER", "-out", "ec.der"],
    );
    let missing = pki.path("missing.pem");
    openssl(
        &pki.dir,
        &[
            "pkcs8",
            "-topk8",
            "-in",
            "ec.key",
            "-passout",
            "pass:secret",
            "-out",
            "enc.key",
        ],
    );
    let encrypted = pki.path("enc.key");
    let huge = pki.write("huge.pem", &vec![b'A'; 2 * 1024 * 1024]);
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (
            vec!["--cert", &key],
            vec!["holds a private key", "not privkey.pem"],
        ),
        (vec!["--cert", &encrypted], vec!["holds a private key"]),
        (vec!["--cert", &huge], vec!["larger than 1 MiB"]),
        (vec!["--cert", &empty], vec!["is empty", "fullchain.pem"]),
        (vec!["--cert", &blank], vec!["is empty"]),
        (
            vec!["--cert", &missing],
            vec!["cannot read --cert", "missing.pem"],
        ),
        (
            vec!["--cert", &garbage],
            vec!["holds no PEM certificate", "-----BEGIN CERTIFICATE-----"],
        ),
        (
            vec!["--cert", &der],
            vec!["holds no PEM certificate", "openssl x509 -inform DER"],
        ),
        (
            vec!["--cert", &bad_body],
            vec!["certificate 1", "not an X.509 certificate"],
        ),
        (
            vec!["--cert", &ok, "--usage", "2"],
            vec!["needs its issuer", "--usage 3"],
        ),
        (
            vec!["--cert", &ok, "--next-cert", &key],
            vec!["--next-cert", "private key"],
        ),
        (
            vec!["--cert", &ok, "--zone", "example.org"],
            vec!["is not in --zone example.org"],
        ),
        (vec!["--cert", &ok, "--usage", "1"], vec!["'1'", "--usage"]),
        (vec!["--cert", &ok, "--selector", "2"], vec!["--selector"]),
        (vec!["--cert", &ok, "--matching", "3"], vec!["--matching"]),
    ];
    for (args, needles) in &cases {
        let mut all = vec!["gen-tlsa", "--host", HOST];
        all.extend(args);
        usage_error(&all, needles);
    }
    // A chain in the wrong order: the CA first, then the server.
    let reversed = [
        std::fs::read(pki.dir.join("ca.pem")).unwrap(),
        std::fs::read(pki.dir.join("ec.pem")).unwrap(),
    ]
    .concat();
    let reversed = pki.write("reversed.pem", &reversed);
    usage_error(
        &[
            "gen-tlsa", "--cert", &reversed, "--host", HOST, "--usage", "2",
        ],
        &["did not issue the first", "server's certificate first"],
    );
    // Bad host names.
    for (host, needle) in [
        ("mx 1.contoso.com", "not a valid domain name"),
        ("192.0.2.25", "IP address"),
        ("mx1", "single label"),
        ("", "--host"),
    ] {
        usage_error(&["gen-tlsa", "--cert", &ok, "--host", host], &[needle]);
    }
    usage_error(&["gen-tlsa", "--cert", &ok], &["--host"]);
    usage_error(&["gen-tlsa", "--host", HOST], &["--cert"]);
}

/// `text` with every run of 40 or more hex digits (digests, keys) as
/// `HEX`: what differs between certificates made on different runs.
fn masked(text: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    for c in text.chars().chain(['\n']) {
        if c.is_ascii_hexdigit() {
            run.push(c);
            continue;
        }
        if run.len() >= 40 {
            out.push_str("HEX");
        } else {
            out.push_str(&run);
        }
        run.clear();
        out.push(c);
    }
    out.pop();
    out
}

/// The examples in README.md are real runs, but for the digests: with
/// the files they name, made here, the binary prints what the README
/// shows.
#[test]
fn readme_examples_are_real_runs() {
    let pki = Pki::new();
    for (from, to) in [
        ("ec-chain.pem", "fullchain.pem"),
        ("rsa-chain.pem", "next-fullchain.pem"),
        ("ec.key", "privkey.pem"),
    ] {
        std::fs::copy(pki.dir.join(from), pki.dir.join(to)).unwrap();
    }
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = &readme[readme.find("### `gen-tlsa`").expect("a gen-tlsa section")..];
    let block = section
        .split("```console\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a console block");
    let runs: Vec<&str> = block.split("$ mtasts ").skip(1).collect();
    assert!(runs.len() >= 5, "{block}");
    for run in runs {
        let (command, shown) = run.split_once('\n').unwrap();
        let out = mtasts()
            .args(command.split_whitespace())
            .current_dir(&pki.dir)
            .output()
            .unwrap();
        let printed = [out.stdout, out.stderr].concat();
        assert_eq!(
            masked(&String::from_utf8(printed).unwrap()),
            masked(shown),
            "{command}"
        );
    }
}
