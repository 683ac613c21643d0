//! `report` on IMAP mailboxes, against a real Dovecot (Debian's
//! `dovecot-imapd`) that the test starts on loopback with a configuration
//! of its own in a temporary directory: a certificate of the test CA, one
//! user in a passwd-file, the mailbox filled through IMAP APPEND.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use async_imap::Session;
use futures::StreamExt;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use crate::report::{eml, report, write};
use crate::support::pki::pem_encode;
use crate::support::{TestCa, mtasts, runtime};

const USER: &str = "tls@example.test";
const PASSWORD: &str = "s3cret pass";

fn dovecot_binary() -> Option<PathBuf> {
    let found = ["/usr/sbin/dovecot", "/usr/local/sbin/dovecot"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "Dovecot is required in CI (Debian package dovecot-imapd; .ci/run installs it)"
        );
        eprintln!("SKIPPED: dovecot is not installed (Debian: apt-get install dovecot-imapd)");
    }
    found
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn id(args: &[&str]) -> String {
    let out = Command::new("id").args(args).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A private Dovecot: killed when dropped.
struct Dovecot {
    dir: tempfile::TempDir,
    child: Child,
    imaps: u16,
    imap: u16,
    ca: TestCa,
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Dovecot {
    /// `None` (the test skips) when Dovecot is not installed, outside CI.
    /// `extra`: configuration lines added at the end.
    fn start(extra: &str) -> Option<Dovecot> {
        let binary = dovecot_binary()?;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let ca = TestCa::new();
        let leaf = ca.leaf(&["localhost"]);
        std::fs::write(
            d.join("cert.pem"),
            pem_encode("CERTIFICATE", &leaf.chain[0]),
        )
        .unwrap();
        std::fs::write(
            d.join("key.pem"),
            pem_encode("PRIVATE KEY", leaf.key.secret_der()),
        )
        .unwrap();
        std::fs::write(d.join("ca.pem"), ca.pem()).unwrap();
        // As root, Dovecot's login and internal processes take its own
        // users, and the mail user is Dovecot's (mail is never accessed
        // as root); otherwise everything runs as the user running the test.
        let root = id(&["-u"]) == "0";
        let (login_user, internal_user, internal_group, mail_user) = if root {
            (
                "dovenull".to_string(),
                "dovecot".to_string(),
                "dovecot".to_string(),
                "dovecot",
            )
        } else {
            let me = id(&["-un"]);
            (me.clone(), me, id(&["-gn"]), "")
        };
        let (uid, gid) = if root {
            (id(&["-u", mail_user]), id(&["-g", mail_user]))
        } else {
            (id(&["-u"]), id(&["-g"]))
        };
        let home = d.join("mail");
        std::fs::create_dir_all(&home).unwrap();
        if root {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
            let ok = Command::new("chown")
                .arg(format!("{uid}:{gid}"))
                .arg(&home)
                .status()
                .unwrap()
                .success();
            assert!(ok, "chown of the mail directory");
        }
        let passwd = d.join("passwd");
        std::fs::write(
            &passwd,
            format!(
                "{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{}\n",
                home.display()
            ),
        )
        .unwrap();
        let (imaps, imap) = (free_port(), free_port());
        let chroot = if root { "" } else { "  chroot =\n" };
        let conf = format!(
            "base_dir = {d}/run\n\
             state_dir = {d}/state\n\
             protocols = imap\n\
             listen = 127.0.0.1\n\
             ssl = required\n\
             ssl_cert = <{d}/cert.pem\n\
             ssl_key = <{d}/key.pem\n\
             disable_plaintext_auth = yes\n\
             auth_mechanisms = plain login\n\
             passdb {{\n  driver = passwd-file\n  args = {passwd}\n}}\n\
             userdb {{\n  driver = passwd-file\n  args = {passwd}\n}}\n\
             mail_location = maildir:~/Maildir\n\
             namespace inbox {{\n  inbox = yes\n  separator = /\n}}\n\
             log_path = {d}/dovecot.log\n\
             default_login_user = {login_user}\n\
             default_internal_user = {internal_user}\n\
             default_internal_group = {internal_group}\n\
             first_valid_uid = 1\n\
             service imap-login {{\n{chroot}  inet_listener imap {{\n    port = {imap}\n  }}\n  inet_listener imaps {{\n    port = {imaps}\n    ssl = yes\n  }}\n}}\n\
             service anvil {{\n{chroot}}}\n\
             {extra}\n",
            d = d.display(),
            passwd = passwd.display(),
        );
        std::fs::write(d.join("dovecot.conf"), conf).unwrap();
        let child = Command::new(binary)
            .arg("-c")
            .arg(d.join("dovecot.conf"))
            .arg("-F")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let dovecot = Dovecot {
            dir,
            child,
            imaps,
            imap,
            ca,
        };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", imaps)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "dovecot did not listen within 20 s: {}",
                dovecot.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(dovecot)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default()
    }

    fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    fn url(&self, mailbox: &str) -> String {
        format!(
            "imaps://tls%40example.test@localhost:{}/{mailbox}",
            self.imaps
        )
    }

    /// The mail user's Maildir on disk.
    fn maildir(&self) -> PathBuf {
        self.dir.path().join("mail/Maildir")
    }

    /// A logged-in session of the test's own.
    async fn session(&self) -> Session<TlsStream<TcpStream>> {
        let tcp = TcpStream::connect(("127.0.0.1", self.imaps)).await.unwrap();
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        let tls = tokio_rustls::TlsConnector::from(self.ca.client_config())
            .connect(name, tcp)
            .await
            .unwrap();
        let mut client = async_imap::Client::new(tls);
        client.read_response().await.unwrap().unwrap();
        client.login(USER, PASSWORD).await.map_err(|e| e.0).unwrap()
    }

    fn run<T>(&self, f: impl AsyncFnOnce(&mut Session<TlsStream<TcpStream>>) -> T) -> T {
        runtime().block_on(async {
            let mut s = self.session().await;
            let t = f(&mut s).await;
            s.logout().await.unwrap();
            t
        })
    }
}

/// SHA-256 of `bytes`, in hex: what the comparisons show when they fail.
fn digest(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every message of `mailbox`: (UID, flags, size, digest of its bytes),
/// seen through EXAMINE, which changes nothing (\Recent included).
async fn snapshot(
    s: &mut Session<TlsStream<TcpStream>>,
    mailbox: &str,
) -> Vec<(u32, Vec<String>, u32, String)> {
    s.examine(mailbox).await.unwrap();
    let mut out = Vec::new();
    let mut fetches = s
        .uid_fetch("1:*", "(UID FLAGS RFC822.SIZE BODY.PEEK[])")
        .await
        .unwrap();
    while let Some(f) = fetches.next().await {
        let f = f.unwrap();
        let mut flags: Vec<String> = f.flags().map(|fl| format!("{fl:?}")).collect();
        flags.sort();
        out.push((
            f.uid.unwrap(),
            flags,
            f.size.unwrap(),
            digest(f.body().unwrap()),
        ));
    }
    drop(fetches);
    out.sort();
    out
}

/// The mail files under a Maildir (not Dovecot's index and list files),
/// by name, with their bytes: what "unchanged on disk" means.
fn files(maildir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut dirs = vec![maildir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if p.is_dir() {
                dirs.push(p);
            } else if !name.starts_with("dovecot") && !name.starts_with("subscriptions") {
                out.push((p.clone(), digest(&std::fs::read(&p).unwrap())));
            }
        }
    }
    out.sort();
    out
}

/// A mail of the tests: what it is ("report", "broken", "chat", "huge"),
/// and its bytes.
type Mail = (&'static str, Vec<u8>);

/// The mails of the tests: three reports, a report of broken JSON, a mail
/// without a report, and one over the 32 MiB cap of a mail. Named by what
/// they are.
fn mails() -> Vec<Mail> {
    let r = |org: &str, day| report(org, day, "example.test", 100 + u64::from(day), &[]);
    let broken = b"From: tlsrpt@broken.test\r\nTo: tlsrpt@example.test\r\nSubject: Report\r\n\
        MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"b\"\r\n\r\n\
        --b\r\nContent-Type: application/tlsrpt+json\r\n\r\n{\"organization-name\": \"Broken\", \r\n--b--\r\n"
        .to_vec();
    let chat = b"From: someone@example.test\r\nTo: tlsrpt@example.test\r\nSubject: hello\r\n\r\nNot a report.\r\n".to_vec();
    let mut huge =
        b"From: big@example.test\r\nTo: tlsrpt@example.test\r\nSubject: big\r\n\r\n".to_vec();
    let line = [b'x'; 998];
    while huge.len() <= 33 << 20 {
        huge.extend_from_slice(&line);
        huge.extend_from_slice(b"\r\n");
    }
    vec![
        ("report", eml(&r("Google", 1))),
        ("report", eml(&r("Microsoft", 2))),
        ("broken", broken),
        ("report", eml(&r("Yahoo", 3))),
        ("chat", chat),
        ("huge", huge),
    ]
}

/// Dovecot with the mails appended to INBOX, and a Done folder.
fn filled() -> Option<(Dovecot, Vec<Mail>)> {
    filled_with("")
}

/// [`filled`], with more configuration.
fn filled_with(extra: &str) -> Option<(Dovecot, Vec<Mail>)> {
    let dovecot = Dovecot::start(extra)?;
    let mails = mails();
    dovecot.run(async |s| {
        s.create("Done").await.unwrap();
        for (_, m) in &mails {
            s.append("INBOX", None, None, m).await.unwrap();
        }
    });
    Some((dovecot, mails))
}

/// `report` on the server's mailboxes. The test mails carry no DKIM
/// signature: they count as mail a trusted system verified
/// (`--trust-unsigned`); [`report_verifying`] leaves the flag out.
fn report_cmd(dovecot: &Dovecot) -> assert_cmd::Command {
    let mut c = report_verifying(dovecot);
    c.arg("--trust-unsigned");
    c
}

fn report_verifying(dovecot: &Dovecot) -> assert_cmd::Command {
    let mut c = mtasts();
    c.arg("report")
        .arg("--ca-file")
        .arg(dovecot.ca_file())
        .env("MTASTS_IMAP_PASSWORD", PASSWORD);
    c
}

/// The JSON of a run, without the names of the inputs (a path on disk,
/// a UID on the server): what must be the same from either.
fn counts(out: &std::process::Output) -> Value {
    let mut v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    for key in ["errors", "oddities"] {
        let mut codes: Vec<Value> = v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["code"].clone())
            .collect();
        codes.sort_by_key(|c| c.to_string());
        v[key] = Value::Array(codes);
    }
    if let Some(ignored) = v["trust"]["ignored_reports"].as_array_mut() {
        for i in ignored {
            i["source"] = Value::Null;
        }
    }
    v
}

#[test]
fn a_mailbox_counts_as_the_same_mails_in_a_maildir_and_is_left_as_it_was() {
    let Some((dovecot, mails)) = filled() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    for (i, (_, m)) in mails.iter().enumerate() {
        write(tmp.path(), &format!("maildir/cur/{i}.eml:2,"), m);
    }
    std::fs::create_dir_all(tmp.path().join("maildir/new")).unwrap();
    let from_maildir = mtasts()
        .args(["report", "--json", "--trust-unsigned"])
        .arg(tmp.path().join("maildir"))
        .output()
        .unwrap();
    let before = dovecot.run(async |s| snapshot(s, "INBOX").await);
    let on_disk = files(&dovecot.maildir());
    assert_eq!(before.len(), mails.len());

    let from_imap = report_cmd(&dovecot)
        .arg("--json")
        .arg(dovecot.url("INBOX"))
        .output()
        .unwrap();
    assert_eq!(from_imap.status.code(), from_maildir.status.code());
    let imap = counts(&from_imap);
    assert_eq!(imap, counts(&from_maildir));
    assert_eq!(imap["reports"], 3, "{imap}");
    assert_eq!(imap["files"], 6, "{imap}");
    let raw: Value = serde_json::from_slice(&from_imap.stdout).unwrap();
    let skipped = raw["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == "message-too-large")
        .unwrap();
    assert!(
        skipped["path"].as_str().unwrap().contains(" UID 6"),
        "the oversized mail is listed: {skipped}"
    );

    // --since searches by arrival: the mails arrived today (a day either
    // side, whatever the server's time zone).
    let today = chrono::Utc::now().date_naive();
    let day = chrono::Days::new(1);
    for (since, files) in [(today - day, 6), (today + day + day, 0)] {
        let out = report_cmd(&dovecot)
            .arg("--json")
            .args(["--since", &since.to_string()])
            .arg(dovecot.url("INBOX"))
            .output()
            .unwrap();
        assert_eq!(counts(&out)["files"], files, "--since {since}");
    }

    // imap:// with STARTTLS reads the same, beside a file in the same call.
    let json = write(
        tmp.path(),
        "extra.json",
        report("Proton", 4, "example.test", 7, &[])
            .to_string()
            .as_bytes(),
    );
    let starttls = report_cmd(&dovecot)
        .arg("--json")
        .arg(&json)
        .arg(format!(
            "imap://tls%40example.test@localhost:{}/INBOX",
            dovecot.imap
        ))
        .output()
        .unwrap();
    let both = counts(&starttls);
    assert_eq!(both["reports"], 4, "{both}");
    assert_eq!(both["files"], 7, "{both}");

    let after = dovecot.run(async |s| snapshot(s, "INBOX").await);
    assert_eq!(before, after, "the messages and their flags are unchanged");
    assert!(
        before.iter().all(|m| m.1.iter().any(|f| f == "Recent")),
        "\\Recent is kept too: {:?}",
        before.iter().map(|m| &m.1).collect::<Vec<_>>()
    );
    assert_eq!(
        on_disk,
        files(&dovecot.maildir()),
        "the mail files are unchanged"
    );
}

#[test]
fn move_to_moves_exactly_the_mails_read_as_reports() {
    moves_exactly_the_reports("", "UID MOVE");
}

#[test]
fn without_move_the_reports_are_copied_then_expunged() {
    // Dovecot without MOVE in its capabilities: UIDPLUS's UID EXPUNGE
    // removes exactly the copied messages.
    moves_exactly_the_reports(
        "protocol imap {\n  imap_capability = IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE UIDPLUS\n}",
        "UID COPY, STORE \\Deleted, UID EXPUNGE",
    );
}

fn moves_exactly_the_reports(extra: &str, how: &str) {
    let Some((dovecot, mails)) = filled_with(extra) else {
        return;
    };
    // Unsigned, the reports do not count (RFC 8460 §3), so none is read
    // as a report and none moves.
    let unsigned = report_verifying(&dovecot)
        .args([
            "--imap-move-to",
            "Done",
            "--resolver",
            "127.0.0.1:9",
            "--timeout",
            "2",
        ])
        .arg(dovecot.url("INBOX"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&unsigned.stderr);
    assert!(
        stderr.contains("no message read as a report; nothing moved"),
        "{stderr}"
    );
    assert!(dovecot.run(async |s| snapshot(s, "Done").await).is_empty());
    let out = report_cmd(&dovecot)
        .args(["--imap-move-to", "Done"])
        .arg(dovecot.url("INBOX"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("moved 3 messages read as reports to Done ({how})")),
        "{stderr}"
    );
    let left = dovecot.run(async |s| snapshot(s, "INBOX").await);
    let done = dovecot.run(async |s| snapshot(s, "Done").await);
    assert!(
        left.iter().all(|m| !m.1.iter().any(|f| f == "Deleted")),
        "no message left marked deleted: {:?}",
        left.iter().map(|m| &m.1).collect::<Vec<_>>()
    );
    let bodies = |kind: &str| -> Vec<String> {
        let mut b: Vec<String> = mails
            .iter()
            .filter(|(k, _)| (*k == "report") == (kind == "report"))
            .map(|(_, m)| digest(m))
            .collect();
        b.sort();
        b
    };
    let mut moved: Vec<String> = done.into_iter().map(|m| m.3).collect();
    moved.sort();
    let mut kept: Vec<String> = left.into_iter().map(|m| m.3).collect();
    kept.sort();
    assert_eq!(moved, bodies("report"));
    assert_eq!(
        kept,
        bodies("other"),
        "the broken, plain and huge mails stay"
    );
}

/// Exit 2 and one line on stderr, naming what went wrong.
fn one_line(out: &std::process::Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(needle), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_refused_login_a_missing_mailbox_and_an_untrusted_certificate_are_one_line() {
    let Some((dovecot, _)) = filled() else {
        return;
    };
    let before = dovecot.run(async |s| snapshot(s, "INBOX").await);
    let wrong = report_cmd(&dovecot)
        .env("MTASTS_IMAP_PASSWORD", "wrong")
        .args(["--imap-move-to", "Done"])
        .arg(dovecot.url("INBOX"))
        .output()
        .unwrap();
    one_line(&wrong, "login as tls@example.test refused");
    assert!(!String::from_utf8_lossy(&wrong.stderr).contains("wrong"));

    let missing = report_cmd(&dovecot)
        .args(["--imap-move-to", "Done"])
        .arg(dovecot.url("Nope"))
        .output()
        .unwrap();
    one_line(&missing, "cannot open the mailbox Nope");

    let no_folder = report_cmd(&dovecot)
        .args(["--imap-move-to", "Nowhere"])
        .arg(dovecot.url("INBOX"))
        .output()
        .unwrap();
    one_line(
        &no_folder,
        "the --imap-move-to folder Nowhere cannot be opened",
    );

    let untrusted = mtasts()
        .args(["report", "--imap-move-to", "Done"])
        .arg(dovecot.url("INBOX"))
        .env("MTASTS_IMAP_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    one_line(&untrusted, "certificate is not trusted");

    let password_file = dovecot.dir.path().join("password");
    std::fs::write(&password_file, format!("{PASSWORD}\n")).unwrap();
    let from_file = mtasts()
        .arg("report")
        .arg("--ca-file")
        .arg(dovecot.ca_file())
        .arg("--imap-password-file")
        .arg(&password_file)
        .arg(dovecot.url("INBOX"))
        .env_remove("MTASTS_IMAP_PASSWORD")
        .output()
        .unwrap();
    assert_eq!(
        from_file.status.code(),
        Some(1),
        "read, not ready: {}",
        String::from_utf8_lossy(&from_file.stderr)
    );
    assert_eq!(
        before,
        dovecot.run(async |s| snapshot(s, "INBOX").await),
        "nothing was moved"
    );
}

#[test]
fn imap_inputs_are_checked_before_any_connection() {
    crate::support::usage_error(
        &["report", "imaps://u:pw@localhost/INBOX"],
        &["MTASTS_IMAP_PASSWORD"],
    );
    crate::support::usage_error(&["report", "imaps://localhost/INBOX"], &["no user"]);
    let out = mtasts()
        .args(["report", "imaps://u@localhost/INBOX"])
        .env_remove("MTASTS_IMAP_PASSWORD")
        .output()
        .unwrap();
    one_line(&out, "no IMAP password");
    let out = mtasts()
        .args(["report", "imaps://u@localhost/INBOX"])
        .env("MTASTS_IMAP_PASSWORD", "pw\r\nA1 DELETE INBOX")
        .output()
        .unwrap();
    one_line(&out, "password holds a control character");
    let tmp = tempfile::tempdir().unwrap();
    let out = mtasts()
        .args(["report", "--imap-move-to", "Done"])
        .arg(tmp.path())
        .output()
        .unwrap();
    one_line(&out, "--imap-move-to needs an IMAP input");
}

/// A one-connection server on loopback: `serve` gets the connection; what
/// the client sent is returned by the handle.
fn fake_server(
    serve: impl FnOnce(&mut std::net::TcpStream) + Send + 'static,
) -> (u16, std::thread::JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        use std::io::Read;
        let (mut conn, _) = listener.accept().unwrap();
        serve(&mut conn);
        conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut seen = Vec::new();
        let _ = conn.read_to_end(&mut seen);
        seen
    });
    (port, handle)
}

#[test]
fn a_silent_server_is_cut_off_by_the_timeout() {
    let (port, server) = fake_server(|_| std::thread::sleep(Duration::from_secs(3)));
    let started = Instant::now();
    let out = mtasts()
        .args(["report", "--timeout", "0.5"])
        .arg(format!("imaps://u@127.0.0.1:{port}/INBOX"))
        .env("MTASTS_IMAP_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    one_line(&out, "no answer within 0.5 s (--timeout)");
    assert!(started.elapsed() < Duration::from_secs(3));
    server.join().unwrap();
}

#[test]
fn imap_without_starttls_sends_no_password() {
    let (port, server) = fake_server(|conn| {
        use std::io::{BufRead, Write};
        conn.write_all(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n")
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(&*conn)
            .read_line(&mut line)
            .unwrap();
        let tag = line.split(' ').next().unwrap().to_string();
        conn.write_all(format!("{tag} BAD STARTTLS not offered\r\n").as_bytes())
            .unwrap();
    });
    let out = mtasts()
        .arg("report")
        .arg(format!("imap://u@127.0.0.1:{port}/INBOX"))
        .env("MTASTS_IMAP_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    one_line(&out, "STARTTLS refused");
    let seen = server.join().unwrap();
    assert!(
        !String::from_utf8_lossy(&seen).contains(PASSWORD),
        "the password went out in plaintext"
    );
}

/// imap-proto 0.17 panics on some answers only a broken server sends
/// (here `INTERNALDATE NIL`, as the greeting): the run ends with one
/// line that says so, not with a crash.
#[test]
fn a_panic_of_the_imap_parser_is_one_line() {
    let (port, server) = fake_server(|conn| {
        use std::io::Write;
        conn.write_all(b"* 1 FETCH (UID 7 INTERNALDATE NIL)\r\n")
            .unwrap();
    });
    let out = mtasts()
        .arg("report")
        .arg(format!("imap://u@127.0.0.1:{port}/INBOX"))
        .env("MTASTS_IMAP_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    one_line(
        &out,
        "the IMAP parser (imap-proto) failed on the server's answer",
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    server.join().unwrap();
}

/// Bytes the server sent in each IMAP session that has ended, in order
/// (Dovecot's logout line: `Logged out in=… out=…`).
fn sessions_out(dovecot: &Dovecot) -> Vec<u64> {
    dovecot
        .log()
        .lines()
        .filter(|l| l.contains("Logged out"))
        .filter_map(|l| {
            let out = l.split_whitespace().find_map(|w| w.strip_prefix("out="))?;
            out.trim_end_matches(',').parse().ok()
        })
        .collect()
}

/// The bytes the server sent for `cmd`'s session: its logout line, which
/// Dovecot writes when the session ends.
fn served_for(dovecot: &Dovecot, cmd: &mut assert_cmd::Command) -> (Value, u64) {
    let before = sessions_out(dovecot).len();
    let out = cmd
        .arg("--json")
        .arg(dovecot.url("INBOX"))
        .output()
        .unwrap();
    let started = Instant::now();
    loop {
        let sessions = sessions_out(dovecot);
        if sessions.len() > before {
            return (counts(&out), sessions[before]);
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no logout line: {}",
            dovecot.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `mails` appended to the server's INBOX, and as the files of a Maildir
/// (`maildir/` in the directory returned), to compare the two readings.
fn in_both(dovecot: &Dovecot, mails: &[Vec<u8>]) -> tempfile::TempDir {
    dovecot.run(async |s| {
        for m in mails {
            s.append("INBOX", None, None, m).await.unwrap();
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    for (i, m) in mails.iter().enumerate() {
        write(tmp.path(), &format!("maildir/cur/{i}.eml:2,"), m);
    }
    std::fs::create_dir_all(tmp.path().join("maildir/new")).unwrap();
    tmp
}

#[test]
fn only_what_can_be_a_report_is_fetched() {
    let Some(dovecot) = Dovecot::start("") else {
        return;
    };
    const BIG: usize = 3 << 20;
    let filler = |line: &str| line.repeat(BIG / line.len());
    let plain = eml(&report("Google", 1, "example.test", 100, &[]));
    // A report whose reporter added a long text part: the report part
    // alone is fetched, unless the whole message is to be verified.
    let long = String::from_utf8(eml(&report("Microsoft", 2, "example.test", 200, &[])))
        .unwrap()
        .replacen(
            "--b1\r\nContent-Type: application/tlsrpt+gzip",
            &format!(
                "--b1\r\nContent-Type: text/plain\r\n\r\n{}\r\n--b1\r\nContent-Type: application/tlsrpt+gzip",
                filler("all is well with the world today.\r\n")
            ),
            1,
        )
        .into_bytes();
    // A mail with a photo and no report: never fetched.
    let photo = format!(
        "From: someone@example.test\r\nTo: tlsrpt@example.test\r\nSubject: holidays\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"p\"\r\n\r\n\
         --p\r\nContent-Type: text/plain\r\n\r\nSee the photo.\r\n\
         --p\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\
         Content-Disposition: attachment; filename=\"beach.png\"\r\n\r\n{}\r\n--p--\r\n",
        filler("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk\r\n")
    )
    .into_bytes();
    // A report part whose Content-Type the server cannot parse, and
    // reads as text/plain: its file name has it fetched.
    let misread = String::from_utf8(eml(&report("Odd", 3, "example.test", 300, &[])))
        .unwrap()
        .replace(
            "Content-Type: application/tlsrpt+gzip",
            "Content-Type: \"application/tlsrpt+gzip\"",
        )
        .into_bytes();
    let mails = [plain, long, photo, misread];
    let tmp = in_both(&dovecot, &mails);
    let from_maildir = |trust_unsigned: bool| {
        let mut c = mtasts();
        c.args(["report", "--json"]);
        if trust_unsigned {
            c.arg("--trust-unsigned");
        }
        counts(&c.arg(tmp.path().join("maildir")).output().unwrap())
    };

    let (trusted, sent) = served_for(&dovecot, &mut report_cmd(&dovecot));
    assert_eq!(trusted, from_maildir(true));
    assert_eq!(
        (trusted["reports"].as_u64(), trusted["files"].as_u64()),
        (Some(3), Some(4))
    );
    assert!(
        sent < 64 << 10,
        "only report parts were fetched, yet the server sent {sent} bytes"
    );

    // Verified, the report mails are fetched whole (their signatures
    // cover their bodies); the photo still is not.
    let (verified, sent) = served_for(&dovecot, &mut report_verifying(&dovecot));
    assert_eq!(verified, from_maildir(false));
    let whole = mails[0].len() + mails[1].len() + mails[3].len();
    assert!(
        (whole as u64..whole as u64 + (64 << 10)).contains(&sent),
        "the three report mails ({whole} bytes) and no more were fetched, yet the server sent {sent} bytes"
    );
}

/// A report mail inside `levels` multiparts, one in the other.
fn nested_report(levels: usize) -> Vec<u8> {
    let inner = String::from_utf8(eml(&report("Deep", 4, "example.test", 104, &[]))).unwrap();
    let (_, mut body) = inner.split_once("MIME-Version: 1.0\r\n").unwrap();
    let mut nested = body.to_string();
    for i in 0..levels {
        nested = format!(
            "Content-Type: multipart/mixed; boundary=\"n{i}\"\r\n\r\n--n{i}\r\n{nested}\r\n--n{i}--\r\n"
        );
    }
    body = &nested;
    format!(
        "From: deep@reporter.test\r\nTo: tlsrpt@example.test\r\nSubject: deep\r\nMIME-Version: 1.0\r\n{body}"
    )
    .into_bytes()
}

/// A structure nested deeper than imap-proto is let parse is never
/// handed to it: the connection is given up, and the messages of that
/// batch are fetched whole from a new one, so the counts are still those
/// of a Maildir. So are those of a bare report, which a server reads as
/// a mail without a header.
#[test]
fn structures_the_parser_must_not_see_are_fetched_whole_from_a_new_connection() {
    let Some(dovecot) = Dovecot::start("") else {
        return;
    };
    let bare = report("Bare", 5, "example.test", 105, &[]).to_string();
    let mails = [
        eml(&report("Google", 1, "example.test", 101, &[])),
        nested_report(40),
        bare.into_bytes(),
        b"From: someone@example.test\r\nSubject: hello\r\n\r\nNot a report.\r\n".to_vec(),
    ];
    let tmp = in_both(&dovecot, &mails);
    let from_maildir = counts(
        &mtasts()
            .args(["report", "--json", "--trust-unsigned"])
            .arg(tmp.path().join("maildir"))
            .output()
            .unwrap(),
    );
    // Dovecot's line for a session the client closed in the middle.
    let disconnected = |log: &str| {
        log.lines()
            .filter(|l| l.contains("Disconnected: Connection closed (UID FETCH"))
            .count()
    };
    let before = disconnected(&dovecot.log());
    let (from_imap, _) = served_for(&dovecot, &mut report_cmd(&dovecot));
    assert_eq!(from_imap, from_maildir);
    assert_eq!(
        (from_imap["reports"].as_u64(), from_imap["files"].as_u64()),
        (Some(3), Some(4)),
        "{from_imap}"
    );
    assert_eq!(
        disconnected(&dovecot.log()),
        before + 1,
        "one connection given up: {}",
        dovecot.log()
    );
}
