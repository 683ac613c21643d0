//! IMAP mailboxes as an input of `report`: `imaps://USER@HOST[:PORT]/MAILBOX`
//! (TLS from the first byte) or `imap://…` (STARTTLS, which is then
//! required: no password is ever sent in plaintext).
//!
//! A mailbox is opened before anything is read (connect, TLS, login,
//! `EXAMINE`, `UID SEARCH`), so that an unreachable server, an untrusted
//! certificate, a refused login or a missing mailbox ends the run at once.
//! Its messages are then fetched whole (`RFC822.SIZE` first, then
//! `BODY.PEEK[]` for those under the cap of a mail file) and handed to the
//! walk like the files of a Maildir: they go through the same reading as
//! files ([`super::collect`]), from their raw bytes. `EXAMINE` and
//! `BODY.PEEK` leave the mailbox as it was, `\Seen` and `\Recent` flags
//! included; only `--imap-move-to` changes it, after the summary, and
//! only for the messages read as reports.
//!
//! The protocol is `async-imap`'s (its parser is `imap-proto`); every step
//! here is bounded by `--timeout`,
//! and the crate bounds one response at 512 MiB. A message's body is
//! fetched only when the server said it is under [`MAX_MESSAGE`], and is
//! kept only when it is; answers for UIDs not asked for are dropped.
//!
//! `BODYSTRUCTURE` is never asked for. A report's DKIM signature covers
//! the whole message, so nothing less can be verified; and `imap-proto`
//! parses a structure recursively with no bound on its depth: a mail of
//! some thousand nested multiparts, which anyone can send to the report
//! address, would overflow the stack, and one structure it cannot parse
//! would leave the whole mailbox unread.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_imap::{Client, Session};
use futures::StreamExt;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::containers::mbox::MAX_MESSAGE;
use super::source::Problem;
use super::walk::{MessageKey, MessageSource, Walk};
use crate::probe::tls::Trust;

/// UIDs named in one command (`UID FETCH … (RFC822.SIZE)`, a move): few
/// enough that the command line stays within what servers take.
const UID_BATCH: usize = 500;
/// Messages, and bytes by the server's count, fetched in one `UID FETCH
/// … BODY.PEEK[]`: report mails are kilobytes, and a batch is held in
/// memory until the walk has handed it out.
const BODY_BATCH: usize = 64;
const BODY_BYTES: u64 = MAX_MESSAGE as u64;
/// Most characters of a server's words repeated in an error.
const MAX_SERVER_TEXT: usize = 200;

/// How the connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// `imaps://`: TLS from the first byte (port 993).
    Tls,
    /// `imap://`: plaintext until STARTTLS, which must succeed before the
    /// login (port 143).
    StartTls,
}

/// An IMAP mailbox named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxUrl {
    pub security: Security,
    /// The login name, percent-decoded (`tls%40example.com` is `tls@example.com`).
    pub user: String,
    /// The host name or IP address, also the TLS name.
    pub host: String,
    pub port: u16,
    /// The mailbox, percent-decoded; `INBOX` when the URL names none.
    pub mailbox: String,
}

impl MailboxUrl {
    /// Whether a command-line input is meant as an IMAP URL rather than a path.
    pub fn is_url(arg: &str) -> bool {
        let lower = arg.get(..8).unwrap_or(arg).to_ascii_lowercase();
        lower.starts_with("imaps://") || lower.starts_with("imap://")
    }

    /// Parses `imaps://USER@HOST[:PORT]/MAILBOX` or `imap://…`; the error
    /// says what is wrong and how to write it.
    pub fn parse(s: &str) -> Result<MailboxUrl, String> {
        let shown = crate::text::escape(s);
        let url = url::Url::parse(s).map_err(|e| {
            format!("{shown} is not an IMAP URL ({e}); write imaps://USER@HOST[:PORT]/MAILBOX")
        })?;
        let security = match url.scheme() {
            "imaps" => Security::Tls,
            "imap" => Security::StartTls,
            _ => return Err(format!("{shown}: write imaps://USER@HOST[:PORT]/MAILBOX")),
        };
        if url.password().is_some() {
            // Not repeated, not even in the error.
            return Err(
                "an IMAP URL holds a password: never put it on the command line; set MTASTS_IMAP_PASSWORD or use --imap-password-file FILE"
                    .into(),
            );
        }
        let decode = |t: &str| {
            percent_encoding::percent_decode_str(t)
                .decode_utf8()
                .map(|c| c.into_owned())
                .map_err(|_| format!("{shown}: the percent-encoding is not UTF-8"))
        };
        let user = decode(url.username())?;
        if user.chars().any(char::is_control) {
            return Err(format!("{shown}: the user name holds control characters"));
        }
        if user.is_empty() {
            return Err(format!(
                "{shown} names no user: write imaps://USER@HOST/MAILBOX (an @ in USER as %40)"
            ));
        }
        let host = match url.host() {
            Some(url::Host::Domain(d)) if !d.is_empty() => d.to_string(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            _ => return Err(format!("{shown} names no host")),
        };
        if url.query().is_some() || url.fragment().is_some() {
            return Err(format!(
                "{shown}: an IMAP input takes no ?query or #fragment; write imaps://USER@HOST[:PORT]/MAILBOX"
            ));
        }
        let port = url.port().unwrap_or(match security {
            Security::Tls => 993,
            Security::StartTls => 143,
        });
        let mailbox = decode(url.path().trim_start_matches('/'))?;
        let mailbox = if mailbox.is_empty() {
            "INBOX".to_string()
        } else {
            mailbox
        };
        check_mailbox_name(&mailbox).map_err(|e| format!("{shown}: {e}"))?;
        Ok(MailboxUrl {
            security,
            user,
            host,
            port,
            mailbox,
        })
    }
}

/// The URL as it is shown: never with a password (it has none).
impl fmt::Display for MailboxUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self.security {
            Security::Tls => "imaps",
            Security::StartTls => "imap",
        };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        write!(
            f,
            "{scheme}://{}@{host}:{}/{}",
            self.user, self.port, self.mailbox
        )
    }
}

/// A password, kept out of `Debug` output.
#[derive(Clone)]
pub struct Password(pub String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

type Stream = TlsStream<TcpStream>;

/// A mailbox opened for reading.
pub struct Opened {
    url: MailboxUrl,
    session: Session<Stream>,
    /// The messages to read, by UID, in order.
    uids: Vec<u32>,
    /// `UIDVALIDITY` when the mailbox was examined: the UIDs mean the same
    /// messages for the move only while it stays the same.
    uid_validity: Option<u32>,
    /// MOVE, or else UIDPLUS (one of them is there when `--imap-move-to` is).
    has_move: bool,
    /// `--timeout`.
    timeout: Duration,
    /// The reading stopped half-way: nothing of this mailbox is moved.
    broken: bool,
}

/// The server's words, bounded and escaped. A NO or BAD answer comes
/// from the crate as the Debug form of the response; its text is what a
/// person reads.
fn server_text(e: &dyn fmt::Display) -> String {
    let full = e.to_string();
    let words = full
        .rfind("Some(\"")
        .map(|i| &full[i + 6..])
        .and_then(|rest| rest.rfind("\")").map(|j| &rest[..j]))
        .unwrap_or(&full);
    let t: String = words.chars().take(MAX_SERVER_TEXT).collect();
    crate::text::escape(&t)
}

/// `fut`, bounded by `t`; `what` names the step in the error.
async fn step<T, E: fmt::Display>(
    t: Duration,
    what: &str,
    fut: impl Future<Output = Result<T, E>>,
) -> Result<T, String> {
    match tokio::time::timeout(t, fut).await {
        Ok(Ok(done)) => Ok(done),
        Ok(Err(e)) => Err(format!("{what}: {}", server_text(&e))),
        Err(_) => Err(format!("{what}: {}", no_answer(t))),
    }
}

/// What a step that timed out says.
fn no_answer(t: Duration) -> String {
    format!("no answer within {} s (--timeout)", t.as_secs_f64())
}

/// `1:3,7,9:10`: a UID set in ranges.
fn uid_set(uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end.wrapping_add(1) {
            end = uids[i + 1];
            i += 1;
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

/// The TLS handshake, with the certificate's problem named when it is
/// the reason.
async fn tls(
    url: &MailboxUrl,
    trust: &Trust,
    t: Duration,
    tcp: TcpStream,
) -> Result<Stream, String> {
    let (config, slot) = trust.client_config(true, &[]);
    let name = ServerName::try_from(url.host.clone())
        .map_err(|_| format!("{} is not a host name TLS can check", url.host))?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    match tokio::time::timeout(t, connector.connect(name, tcp)).await {
        Ok(Ok(stream)) => Ok(stream),
        Ok(Err(e)) => Err(match slot.take() {
            Some((_, Err(problem))) => format!(
                "the server's certificate is not trusted ({problem}); if it is issued by a private CA, name that CA with --ca-file PEM"
            ),
            _ => format!("TLS handshake failed: {}", server_text(&e)),
        }),
        Err(_) => Err(format!("TLS handshake: {}", no_answer(t))),
    }
}

/// The messages to read: all, or with `--since` those that arrived
/// (by their internal date) from that day on. A report is mailed after
/// the days it covers, so none of a day from `--since` on arrived before.
fn search_query(since: Option<chrono::NaiveDate>) -> String {
    match since {
        Some(day) => format!("SINCE {}", day.format("%-d-%b-%Y")),
        None => "ALL".to_string(),
    }
}

/// A mailbox name as IMAP takes it: ASCII (others are written in the
/// modified UTF-7 of RFC 3501 §5.1.3, as the server lists them), without
/// control characters.
pub fn check_mailbox_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.chars().any(|c| !c.is_ascii() || c.is_ascii_control()) {
        return Err(format!(
            "the mailbox name '{}' is not plain ASCII: write it as the server lists it (modified UTF-7, e.g. Re&AOk-us for Reçus)",
            crate::text::escape(name)
        ));
    }
    Ok(())
}

/// What opening a mailbox needs besides its URL.
pub struct OpenWith<'a> {
    pub password: &'a Password,
    pub trust: &'a Trust,
    /// `--imap-move-to`: checked to exist, and the server to be able to
    /// move, before anything is read.
    pub move_to: Option<&'a str>,
    /// `--since`: only messages that arrived from that day on.
    pub since: Option<chrono::NaiveDate>,
    /// `--timeout`: the bound of each network step.
    pub timeout: Duration,
}

/// Connects, logs in and examines the mailbox; the error is the one line
/// the run ends with.
pub async fn open(url: &MailboxUrl, with: &OpenWith<'_>) -> Result<Opened, crate::Error> {
    open_inner(url, with)
        .await
        .map_err(|why| crate::Error::Imap {
            url: crate::text::escape(&url.to_string()),
            why,
        })
}

async fn open_inner(url: &MailboxUrl, with: &OpenWith<'_>) -> Result<Opened, String> {
    let t = with.timeout;
    let address = format!("{}:{}", url.host, url.port);
    let tcp = step(
        t,
        &format!("cannot connect to {address}"),
        TcpStream::connect((url.host.as_str(), url.port)),
    )
    .await?;
    let greeting = "the server's greeting";
    let client = match url.security {
        Security::Tls => {
            let mut client = Client::new(tls(url, with.trust, t, tcp).await?);
            step(t, greeting, client.read_response())
                .await?
                .ok_or("the server closed the connection before its greeting")?;
            client
        }
        Security::StartTls => {
            let mut plain = Client::new(tcp);
            step(t, greeting, plain.read_response())
                .await?
                .ok_or("the server closed the connection before its greeting")?;
            step(
                t,
                "STARTTLS refused (imap:// is read only over STARTTLS, so that no password goes in plaintext; use imaps:// if the server offers it)",
                plain.run_command_and_check_ok("STARTTLS", None),
            )
            .await?;
            Client::new(tls(url, with.trust, t, plain.into_inner()).await?)
        }
    };
    let mut session = match tokio::time::timeout(t, client.login(&url.user, &with.password.0)).await
    {
        Ok(Ok(session)) => session,
        Ok(Err((e, _))) => {
            return Err(format!(
                "login as {} refused ({}); check the user and MTASTS_IMAP_PASSWORD or --imap-password-file",
                crate::text::escape(&url.user),
                server_text(&e)
            ));
        }
        Err(_) => return Err(format!("login: {}", no_answer(t))),
    };
    let caps = step(t, "CAPABILITY", session.capabilities()).await?;
    let has_move = caps.has_str("MOVE");
    let has_uidplus = caps.has_str("UIDPLUS");
    if let Some(folder) = with.move_to {
        if !has_move && !has_uidplus {
            return Err(
                "the server offers neither MOVE nor UIDPLUS, so --imap-move-to cannot move only the reports; nothing was read"
                    .into(),
            );
        }
        step(
            t,
            &format!(
                "the --imap-move-to folder {} cannot be opened (create it first)",
                crate::text::escape(folder)
            ),
            session.status(folder, "(MESSAGES)"),
        )
        .await?;
    }
    let mailbox = step(
        t,
        &format!(
            "cannot open the mailbox {}",
            crate::text::escape(&url.mailbox)
        ),
        session.examine(&url.mailbox),
    )
    .await?;
    let found = step(
        t,
        "UID SEARCH",
        session.uid_search(search_query(with.since)),
    )
    .await?;
    let uids: Vec<u32> = found
        .into_iter()
        .collect::<BTreeSet<u32>>()
        .into_iter()
        .collect();
    Ok(Opened {
        url: url.clone(),
        session,
        uids,
        uid_validity: mailbox.uid_validity,
        has_move,
        timeout: t,
        broken: false,
    })
}

impl Opened {
    /// The label of a message in errors and notes.
    fn label(&self, uid: u32) -> String {
        format!("{} UID {uid}", self.url)
    }

    /// Every message's size, by UID.
    async fn sizes(&mut self) -> Result<Vec<(u32, u64)>, String> {
        let t = self.timeout;
        let mut sizes = Vec::with_capacity(self.uids.len());
        for chunk in self.uids.chunks(UID_BATCH) {
            let set = uid_set(chunk);
            let session = &mut self.session;
            let got = step(t, "UID FETCH (RFC822.SIZE)", async move {
                let mut stream = session.uid_fetch(&set, "(UID RFC822.SIZE)").await?;
                let mut got = Vec::new();
                let mut seen = BTreeSet::new();
                while let Some(fetch) = stream.next().await {
                    let fetch = fetch?;
                    // Only what was asked, once: a server's extra answers
                    // are dropped rather than kept.
                    if let (Some(uid), Some(size)) = (fetch.uid, fetch.size)
                        && chunk.binary_search(&uid).is_ok()
                        && seen.insert(uid)
                    {
                        got.push((uid, u64::from(size)));
                    }
                }
                Ok::<_, async_imap::error::Error>(got)
            })
            .await?;
            sizes.extend(got);
        }
        sizes.sort_unstable();
        sizes.dedup_by_key(|s| s.0);
        Ok(sizes)
    }

    /// The bodies of `uids` (sorted), without setting `\Seen`; `None` for
    /// a body larger than [`MAX_MESSAGE`] after all, which is not kept.
    async fn bodies(&mut self, uids: &[u32]) -> Result<Vec<(u32, Option<Vec<u8>>)>, String> {
        let t = self.timeout;
        let set = uid_set(uids);
        let session = &mut self.session;
        step(t, "UID FETCH (BODY.PEEK[])", async move {
            let mut stream = session.uid_fetch(&set, "(UID BODY.PEEK[])").await?;
            let mut got = Vec::new();
            let mut seen = BTreeSet::new();
            while let Some(fetch) = stream.next().await {
                let fetch = fetch?;
                if let (Some(uid), Some(body)) = (fetch.uid, fetch.body())
                    && uids.binary_search(&uid).is_ok()
                    && seen.insert(uid)
                {
                    got.push((uid, (body.len() <= MAX_MESSAGE).then(|| body.to_vec())));
                }
            }
            got.sort_unstable_by_key(|g: &(u32, Option<Vec<u8>>)| g.0);
            Ok::<_, async_imap::error::Error>(got)
        })
        .await
    }

    /// Hands every message to the walk, skipping (and listing) those over
    /// the size cap.
    async fn feed(&mut self, source: usize, walk: &mut Walk<'_>) -> Result<(), String> {
        let sizes = self.sizes().await?;
        // A message the server gave no size for (expunged by another client
        // since the search, say) is listed rather than passed over.
        for &uid in &self.uids {
            if sizes.binary_search_by_key(&uid, |s| s.0).is_err() {
                walk.skip_message(&self.label(uid), no_answer_for_message());
            }
        }
        let mut batch: Vec<u32> = Vec::new();
        let mut bytes = 0;
        let mut batches = Vec::new();
        for (uid, size) in sizes {
            if size > MAX_MESSAGE as u64 {
                walk.skip_message(&self.label(uid), too_large());
                continue;
            }
            if !batch.is_empty() && (batch.len() == BODY_BATCH || bytes + size > BODY_BYTES) {
                batches.push(std::mem::take(&mut batch));
                bytes = 0;
            }
            batch.push(uid);
            bytes += size;
        }
        if !batch.is_empty() {
            batches.push(batch);
        }
        for uids in batches {
            let got = self.bodies(&uids).await?;
            // A message the server sent no body for (expunged meanwhile by
            // another client, say) is listed rather than passed over.
            for &uid in &uids {
                if got.binary_search_by_key(&uid, |g| g.0).is_err() {
                    walk.skip_message(&self.label(uid), no_answer_for_message());
                }
            }
            for (uid, body) in got {
                let label = self.label(uid);
                match body {
                    Some(body) => walk.add_message(label, MessageKey { source, uid }, body),
                    None => walk.skip_message(&label, too_large()),
                }
            }
        }
        Ok(())
    }

    /// Moves `uids` (read as reports) to `folder`: `UID MOVE` where the
    /// server has MOVE, otherwise `UID COPY`, `UID STORE +FLAGS.SILENT
    /// (\Deleted)` and `UID EXPUNGE` of exactly those UIDs (UIDPLUS).
    /// Returns the line that says what was done.
    pub async fn move_to(&mut self, uids: &[u32], folder: &str) -> Result<String, crate::Error> {
        let t = self.timeout;
        let url = crate::text::escape(&self.url.to_string());
        let err = |why: String| crate::Error::Imap {
            url: url.clone(),
            why,
        };
        if self.broken {
            return Err(err(
                "reading the mailbox stopped half-way; nothing was moved".into(),
            ));
        }
        if uids.is_empty() {
            return Ok(format!("{url}: no message read as a report; nothing moved"));
        }
        let mailbox = step(
            t,
            "SELECT, to move the reports",
            self.session.select(&self.url.mailbox),
        )
        .await
        .map_err(&err)?;
        if mailbox.uid_validity != self.uid_validity {
            return Err(err(
                "the mailbox's UIDVALIDITY changed while it was read; nothing was moved".into(),
            ));
        }
        // In batches, so that no command line grows past what servers take.
        let mut how = "";
        for chunk in uids.chunks(UID_BATCH) {
            how = self
                .move_batch(&uid_set(chunk), folder)
                .await
                .map_err(&err)?;
        }
        Ok(format!(
            "{url}: moved {} message{} read as reports to {} ({how})",
            uids.len(),
            if uids.len() == 1 { "" } else { "s" },
            crate::text::escape(folder)
        ))
    }

    /// Moves the messages of `set` to `folder`, and says how.
    async fn move_batch(&mut self, set: &str, folder: &str) -> Result<&'static str, String> {
        let t = self.timeout;
        if self.has_move {
            step(t, "UID MOVE", self.session.uid_mv(set, folder)).await?;
            return Ok("UID MOVE");
        }
        step(t, "UID COPY", self.session.uid_copy(set, folder)).await?;
        let session = &mut self.session;
        step(t, "UID STORE \\Deleted", async move {
            let mut s = session.uid_store(set, "+FLAGS.SILENT (\\Deleted)").await?;
            while let Some(r) = s.next().await {
                r?;
            }
            Ok::<_, async_imap::error::Error>(())
        })
        .await?;
        let session = &mut self.session;
        step(t, "UID EXPUNGE", async move {
            let mut s = std::pin::pin!(session.uid_expunge(set).await?);
            while let Some(r) = s.next().await {
                r?;
            }
            Ok::<_, async_imap::error::Error>(())
        })
        .await?;
        Ok("UID COPY, STORE \\Deleted, UID EXPUNGE")
    }

    /// Says goodbye, within `--timeout`; a server that does not answer
    /// is left.
    pub async fn logout(mut self) {
        let _ = tokio::time::timeout(self.timeout, self.session.logout()).await;
    }
}

/// A message the server did not send when asked: listed as unread.
fn no_answer_for_message() -> Problem {
    Problem::Io("the server did not send this message when asked (expunged meanwhile?)".into())
}

/// A message over the cap of a mail file: skipped unread.
fn too_large() -> Problem {
    Problem::MessageTooLarge {
        limit_mib: MAX_MESSAGE >> 20,
        in_mbox: true,
    }
}

/// The mailboxes opened, as a source of messages for the walk, fetched on
/// `runtime` from the walk's thread.
pub struct Mailboxes<'a> {
    pub runtime: &'a tokio::runtime::Runtime,
    pub opened: &'a mut [Opened],
}

impl MessageSource for Mailboxes<'_> {
    fn feed(&mut self, walk: &mut Walk<'_>) {
        for (i, mailbox) in self.opened.iter_mut().enumerate() {
            if let Err(why) = self.runtime.block_on(mailbox.feed(i, walk)) {
                mailbox.broken = true;
                walk.skip(&mailbox.url.to_string(), Problem::Io(why));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_parsed_with_their_defaults() {
        let u =
            MailboxUrl::parse("imaps://tls%40example.com@mail.example.com/Reports/TLS").unwrap();
        assert_eq!(
            u,
            MailboxUrl {
                security: Security::Tls,
                user: "tls@example.com".into(),
                host: "mail.example.com".into(),
                port: 993,
                mailbox: "Reports/TLS".into(),
            }
        );
        let u = MailboxUrl::parse("imap://u@[::1]:1143").unwrap();
        assert_eq!(
            (u.security, u.host.as_str(), u.port, u.mailbox.as_str()),
            (Security::StartTls, "::1", 1143, "INBOX")
        );
        assert_eq!(u.to_string(), "imap://u@[::1]:1143/INBOX");
        assert!(MailboxUrl::is_url("IMAPS://x@y/z"));
        assert!(!MailboxUrl::is_url("reports/imaps"));
    }

    #[test]
    fn bad_urls_say_what_to_write() {
        let e = MailboxUrl::parse("imaps://u:secret@h/INBOX").unwrap_err();
        assert!(
            e.contains("MTASTS_IMAP_PASSWORD") && !e.contains("secret@"),
            "{e}"
        );
        assert!(
            MailboxUrl::parse("imaps://h/INBOX")
                .unwrap_err()
                .contains("no user")
        );
        assert!(MailboxUrl::parse("imaps://u@h/INBOX?x=1").is_err());
        assert!(MailboxUrl::parse("imaps://u@h/a%0Ab").is_err());
        assert!(MailboxUrl::parse("imaps://u%0D%0Ax@h/INBOX").is_err());
    }

    #[test]
    fn a_servers_refusal_is_shown_as_its_words() {
        let no = async_imap::error::Error::No(
            "outcome: Outcome { code: None, information: Some(\"Mailbox doesn't exist: Nope\") }"
                .into(),
        );
        assert_eq!(server_text(&no), "Mailbox doesn't exist: Nope");
        let long = "x\u{1b}".repeat(500);
        let shown = server_text(&long);
        assert!(!shown.contains('\u{1b}') && shown.len() <= 4 * MAX_SERVER_TEXT);
    }

    #[test]
    fn since_searches_by_arrival_day() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 5).unwrap();
        assert_eq!(search_query(Some(day)), "SINCE 5-Nov-2026");
        assert_eq!(search_query(None), "ALL");
    }

    #[test]
    fn mailbox_names_are_ascii() {
        assert!(check_mailbox_name("Re&AOk-us/TLS").is_ok());
        assert!(
            check_mailbox_name("Reçus")
                .unwrap_err()
                .contains("modified UTF-7")
        );
        assert!(check_mailbox_name("").is_err());
    }

    #[test]
    fn uid_sets_are_written_in_ranges() {
        assert_eq!(uid_set(&[1, 2, 3, 7, 9, 10]), "1:3,7,9:10");
        assert_eq!(uid_set(&[5]), "5");
        assert_eq!(uid_set(&[]), "");
    }
}
