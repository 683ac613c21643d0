//! IMAP mailboxes as an input of `report`: `imaps://USER@HOST[:PORT]/MAILBOX`
//! (TLS from the first byte) or `imap://…` (STARTTLS, which is then
//! required: no password is ever sent in plaintext).
//!
//! A mailbox is opened before anything is read (connect, TLS, login,
//! `EXAMINE`, `UID SEARCH`), so that an unreachable server, an untrusted
//! certificate, a refused login or a missing mailbox ends the run at once.
//! Its messages are then read in three steps:
//! 1. `RFC822.SIZE` of all: a message over the cap of a mail file is
//!    listed and never downloaded;
//! 2. `BODYSTRUCTURE` and the first bytes of the others, in batches of
//!    [`STRUCTURE_BATCH`]: a message that cannot hold a report is listed,
//!    as its Maildir file would be, and never downloaded ([`plan`]);
//! 3. the rest, whole (their DKIM signature covers the whole body), or
//!    under `--trust-unsigned` only their report parts.
//!
//! What is fetched goes to the walk like the files of a Maildir, and
//! through the same reading as files ([`super::collect`]). `EXAMINE` and
//! `BODY.PEEK` leave the mailbox as it was, `\Seen` and `\Recent` flags
//! included; only `--imap-move-to` changes it, after the summary, and
//! only for the messages read as reports.
//!
//! The protocol is `async-imap`'s (its parser is `imap-proto`); every step
//! here is bounded by `--timeout`, and the crate bounds one response at
//! 512 MiB. `imap-proto` parses structures recursively, so the server's
//! answers pass through [`guard::Guarded`] first: a structure nested
//! deeper than a report's ever is fails that step, and so does one
//! `imap-proto` cannot parse. Either way the connection is given up, a
//! new one is made, and the messages of that batch are fetched whole (after
//! [`MAX_FALLBACKS`] such batches, all the rest are). A message's body is
//! fetched only when the server said it is under [`MAX_MESSAGE`], and is
//! kept only when it is; answers for UIDs not asked for, or without what
//! was asked, are dropped.

pub(crate) mod guard;
mod plan;

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Once};
use std::time::Duration;

use async_imap::{Client, Session};
use futures::StreamExt;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::containers::mbox::MAX_MESSAGE;
use super::source::Problem;
use super::walk::{Body, MessageKey, MessageSource, Walk};
use crate::probe::tls::Trust;
use guard::Guarded;
pub use plan::Fetch;
use plan::{Got, Plan, START, batches, entities, parts_items, plan};

/// UIDs named in one command (`UID FETCH … (RFC822.SIZE)`, a move): few
/// enough that the command line stays within what servers take.
const UID_BATCH: usize = 500;
/// Messages whose structures are asked for in one command: a structure
/// that cannot be read costs the connection, and the messages of its
/// batch are then fetched whole.
const STRUCTURE_BATCH: usize = 50;
/// Batches whose structures could not be read after which a mailbox's
/// other messages are fetched whole without asking: each costs a new
/// connection and login.
const MAX_FALLBACKS: usize = 4;
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

/// The connection async-imap reads: TLS, with what its parser cannot
/// take kept from it.
type Stream = Guarded<TlsStream<TcpStream>>;

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
    fetch: Fetch,
    /// What a new connection needs, when structures could not be read.
    password: Password,
    trust: Trust,
    /// Batches whose structures could not be read, so far.
    fallbacks: usize,
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
) -> Result<TlsStream<TcpStream>, String> {
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
    /// Whole messages when their signatures are verified.
    pub fetch: Fetch,
}

/// Connects, secures the connection and logs in.
async fn connect(
    url: &MailboxUrl,
    password: &Password,
    trust: &Trust,
    t: Duration,
) -> Result<Session<Stream>, String> {
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
            let mut client = Client::new(Guarded::new(tls(url, trust, t, tcp).await?));
            step(t, greeting, client.read_response())
                .await?
                .ok_or("the server closed the connection before its greeting")?;
            client
        }
        Security::StartTls => {
            let mut plain = Client::new(Guarded::new(tcp));
            step(t, greeting, plain.read_response())
                .await?
                .ok_or("the server closed the connection before its greeting")?;
            step(
                t,
                "STARTTLS refused (imap:// is read only over STARTTLS, so that no password goes in plaintext; use imaps:// if the server offers it)",
                plain.run_command_and_check_ok("STARTTLS", None),
            )
            .await?;
            let tcp = plain.into_inner().into_inner();
            Client::new(Guarded::new(tls(url, trust, t, tcp).await?))
        }
    };
    match tokio::time::timeout(t, client.login(&url.user, &password.0)).await {
        Ok(Ok(session)) => Ok(session),
        Ok(Err((e, _))) => Err(format!(
            "login as {} refused ({}); check the user and MTASTS_IMAP_PASSWORD or --imap-password-file",
            crate::text::escape(&url.user),
            server_text(&e)
        )),
        Err(_) => Err(format!("login: {}", no_answer(t))),
    }
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
    let mut session = connect(url, with.password, with.trust, t).await?;
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
        fetch: with.fetch,
        password: with.password.clone(),
        trust: with.trust.clone(),
        fallbacks: 0,
        broken: false,
    })
}

impl Opened {
    pub fn url(&self) -> &MailboxUrl {
        &self.url
    }

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
                while let Some(answer) = stream.next().await {
                    let answer = answer?;
                    // Only what was asked, once: a server's extra answers
                    // are dropped rather than kept.
                    if let (Some(uid), Some(size)) = (answer.uid, answer.size)
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

    /// The plan of each of `uids` (sorted) that the server answered for
    /// with its structure, from that structure and its first bytes.
    async fn plans(&mut self, uids: &[u32]) -> Result<BTreeMap<u32, Plan>, String> {
        let (t, fetch) = (self.timeout, self.fetch);
        let set = uid_set(uids);
        let items = format!("(UID BODYSTRUCTURE BODY.PEEK[]<0.{START}>)");
        let session = &mut self.session;
        step(t, &format!("UID FETCH {items}"), async move {
            let mut stream = session.uid_fetch(&set, &items).await?;
            let mut plans = BTreeMap::new();
            while let Some(answer) = stream.next().await {
                let answer = answer?;
                // An answer without the structure (a flag change the
                // server tells of, say) is not the one asked for.
                if let (Some(uid), Some(structure)) = (answer.uid, answer.bodystructure())
                    && uids.binary_search(&uid).is_ok()
                {
                    plans
                        .entry(uid)
                        .or_insert_with(|| plan(answer.body(), Some(structure), fetch));
                }
            }
            Ok::<_, async_imap::error::Error>(plans)
        })
        .await
    }

    /// What `items` fetches of each of `uids` (sorted), without setting
    /// `\Seen`, as `take` makes it of an answer; an answer it makes
    /// nothing of (one without what was asked) is dropped.
    async fn fetch_each(
        &mut self,
        uids: &[u32],
        items: &str,
        take: impl Fn(&async_imap::types::Fetch) -> Option<Got>,
    ) -> Result<BTreeMap<u32, Got>, String> {
        let t = self.timeout;
        let set = uid_set(uids);
        let session = &mut self.session;
        step(t, &format!("UID FETCH {items}"), async move {
            let mut stream = session.uid_fetch(&set, items).await?;
            let mut got = BTreeMap::new();
            while let Some(answer) = stream.next().await {
                let answer = answer?;
                if let Some(uid) = answer.uid
                    && uids.binary_search(&uid).is_ok()
                    && !got.contains_key(&uid)
                    && let Some(g) = take(&answer)
                {
                    got.insert(uid, g);
                }
            }
            Ok::<_, async_imap::error::Error>(got)
        })
        .await
    }

    /// A new connection in place of one whose answer could not be read
    /// (`why`), on the same mailbox.
    async fn reconnect(&mut self, why: &str) -> Result<(), String> {
        let t = self.timeout;
        let fail = |e: String| format!("{why}; connecting again: {e}");
        let mut session = connect(&self.url, &self.password, &self.trust, t)
            .await
            .map_err(fail)?;
        let mailbox = step(t, "EXAMINE", session.examine(&self.url.mailbox))
            .await
            .map_err(fail)?;
        if mailbox.uid_validity != self.uid_validity {
            return Err(fail(
                "the mailbox's UIDVALIDITY changed while it was read".into(),
            ));
        }
        // The old connection is closed without a goodbye: what it has
        // yet to say cannot be read.
        self.session = session;
        self.fallbacks += 1;
        Ok(())
    }

    /// Hands every message to the walk: those that can hold a report as
    /// their plan says, the others (and those over the size cap) skipped
    /// and listed.
    async fn feed(&mut self, source: usize, walk: &mut Walk<'_>) -> Result<(), String> {
        let sizes = self.sizes().await?;
        // A message the server gave no size for (expunged by another client
        // since the search, say) is listed rather than passed over.
        for &uid in &self.uids {
            if sizes.binary_search_by_key(&uid, |s| s.0).is_err() {
                walk.skip_message(&self.label(uid), no_answer_for_message());
            }
        }
        let mut small = Vec::with_capacity(sizes.len());
        for (uid, size) in sizes {
            if size > MAX_MESSAGE as u64 {
                walk.skip_message(&self.label(uid), too_large());
            } else {
                small.push((uid, size));
            }
        }
        for chunk in small.chunks(STRUCTURE_BATCH) {
            let uids: Vec<u32> = chunk.iter().map(|m| m.0).collect();
            let plans = if self.fallbacks < MAX_FALLBACKS {
                match self.plans(&uids).await {
                    Ok(plans) => plans,
                    // Nested too deep, or in a form imap-proto does not
                    // parse (or the connection failed): these messages
                    // are fetched whole, from a new connection.
                    Err(why) => {
                        self.reconnect(&why).await?;
                        BTreeMap::new()
                    }
                }
            } else {
                BTreeMap::new()
            };
            self.fetch_planned(source, walk, chunk, &plans).await?;
        }
        Ok(())
    }

    /// Fetches the messages of `chunk` (UID and size) as `plans` says,
    /// and hands them to the walk; one without a plan is fetched whole,
    /// and so is one whose parts the server did not all send.
    async fn fetch_planned(
        &mut self,
        source: usize,
        walk: &mut Walk<'_>,
        chunk: &[(u32, u64)],
        plans: &BTreeMap<u32, Plan>,
    ) -> Result<(), String> {
        let mut whole = Vec::new();
        let mut by_parts: BTreeMap<&[Vec<u32>], Vec<(u32, u64)>> = BTreeMap::new();
        for &(uid, size) in chunk {
            match plans.get(&uid) {
                Some(Plan::NoReport) => walk.skip_message(&self.label(uid), Problem::NoReportPart),
                Some(Plan::Parts(sections)) => {
                    by_parts.entry(sections).or_default().push((uid, size))
                }
                Some(Plan::Whole) | None => whole.push((uid, size)),
            }
        }
        for (sections, messages) in by_parts {
            let items = parts_items(sections);
            for uids in batches(&messages) {
                let mut got = self
                    .fetch_each(&uids, &items, |answer| entities(answer, sections))
                    .await?;
                for (uid, size) in messages.iter().filter(|m| uids.contains(&m.0)) {
                    match got.remove(uid) {
                        Some(Got::Incomplete) | None => whole.push((*uid, *size)),
                        Some(g) => self.hand_out(source, walk, *uid, g),
                    }
                }
            }
        }
        whole.sort_unstable();
        for uids in batches(&whole) {
            let mut got = self
                .fetch_each(&uids, "(UID BODY.PEEK[])", |answer| {
                    answer.body().map(|b| {
                        if b.len() <= MAX_MESSAGE {
                            Got::Body(Body::Whole(b.to_vec()))
                        } else {
                            Got::TooLarge
                        }
                    })
                })
                .await?;
            for uid in uids {
                match got.remove(&uid) {
                    Some(g) => self.hand_out(source, walk, uid, g),
                    // Not sent (expunged meanwhile by another client,
                    // say): listed rather than passed over.
                    None => walk.skip_message(&self.label(uid), no_answer_for_message()),
                }
            }
        }
        Ok(())
    }

    fn hand_out(&self, source: usize, walk: &mut Walk<'_>, uid: u32, got: Got) {
        let label = self.label(uid);
        match got {
            Got::Body(body) => walk.add_message(label, MessageKey { source, uid }, body),
            Got::TooLarge => walk.skip_message(&label, too_large()),
            Got::Incomplete => walk.skip_message(&label, no_answer_for_message()),
        }
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

thread_local! {
    /// Where the panic being caught by [`shield`] on this thread came
    /// from (`Some` while it runs).
    static SHIELDED: Cell<Option<&'static str>> = const { Cell::new(None) };
}

/// Runs `fut` on `runtime`, a panic caught and made an error
/// ([`shield`]).
pub fn shielded<F: Future>(runtime: &tokio::runtime::Runtime, fut: F) -> Result<F::Output, String> {
    shield(|| runtime.block_on(fut))
}

/// Runs `f`, a panic caught and made an error.
///
/// `imap-proto` 0.17 panics on some answers a broken server could send
/// (`INTERNALDATE NIL`, a `METADATA` value that is not UTF-8, ...). The
/// guard keeps the ones known to be reached from mail from it
/// ([`guard`]); this catches the rest, so that such a server ends the
/// reading of its mailbox with one line rather than the run with a
/// crash. The panic's own message is kept off stderr: the hook says
/// nothing on a thread in here, and notes where the panic came from.
pub fn shield<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let outer = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if SHIELDED.with(Cell::get).is_none() {
                return outer(info);
            }
            let from_parser = info
                .location()
                .is_some_and(|l| l.file().contains("imap-proto"));
            SHIELDED.with(|s| {
                s.set(Some(if from_parser {
                    PARSER_FAILED
                } else {
                    "an internal error stopped the reading"
                }))
            });
        }));
    });
    // Within another shield, that one's state comes back after.
    let outer = SHIELDED.with(|s| s.replace(Some("")));
    let got = std::panic::catch_unwind(AssertUnwindSafe(f));
    let what = SHIELDED.with(|s| s.replace(outer)).unwrap_or_default();
    got.map_err(|payload| {
        let why = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let why: String = why.chars().take(MAX_SERVER_TEXT).collect();
        format!("{what}: {}", crate::text::escape(&why))
    })
}

/// How [`shield`]'s error starts when the panic was `imap-proto`'s.
pub const PARSER_FAILED: &str = "the IMAP parser (imap-proto) failed on the server's answer";

/// [`shielded`], for a step of `url`'s mailbox: a panic is its error.
pub fn shielded_for<T>(
    runtime: &tokio::runtime::Runtime,
    url: &MailboxUrl,
    fut: impl Future<Output = Result<T, crate::Error>>,
) -> Result<T, crate::Error> {
    shielded(runtime, fut).unwrap_or_else(|why| {
        Err(crate::Error::Imap {
            url: crate::text::escape(&url.to_string()),
            why,
        })
    })
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
            let read = shielded(self.runtime, mailbox.feed(i, walk)).and_then(|r| r);
            if let Err(why) = read {
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
    fn a_panic_in_a_shield_is_an_error_line() {
        let e = shield(|| -> u8 { panic!("boom \u{1b}[31m") }).unwrap_err();
        assert!(
            e.starts_with("an internal error stopped the reading: boom") && !e.contains('\u{1b}'),
            "{e}"
        );
        let e = shield(|| {
            async_imap::imap_proto::Response::parse(b"a1 OK [READ-ONLY]\xe9 x\r\n").is_ok()
        })
        .unwrap_err();
        assert!(e.starts_with(PARSER_FAILED), "{e}");
        // Within another shield.
        let inner = shield(|| shield(|| -> u8 { panic!("inner") }).unwrap_err()).unwrap();
        assert!(inner.ends_with("inner"), "{inner}");
        assert_eq!(shield(|| 7), Ok(7));
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
