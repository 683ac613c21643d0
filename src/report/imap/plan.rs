//! What is fetched of an IMAP message, decided from what the server
//! says of it first: its structure (`BODYSTRUCTURE`, the server's reading
//! of its MIME parts) and its first bytes.
//!
//! A message is read as the file of a Maildir would be
//! ([`crate::report::collect`]): by its first bytes first, as a bare
//! report, a gzip file or a mail message ([`sniff`]); only a mail message
//! is judged by its structure, by the one list of report types
//! ([`mime::report_type`]). A message that cannot hold a report is never
//! downloaded; one that can is fetched whole when its DKIM signature is
//! to be verified, or only its report parts under `--trust-unsigned`.
//! Whatever is beyond what is judged here (no structure, too deep, too
//! many parts) is fetched whole, and the reading of mail decides.

use async_imap::imap_proto::{
    BodyContentCommon, BodyParams, BodyStructure, MessageSection, SectionPath,
};

use crate::report::containers::mbox::MAX_MESSAGE;
use crate::report::containers::mime::{self, MAX_PARTS};
use crate::report::containers::{Content, sniff};
use crate::report::walk::Body;

/// Bytes of a message fetched with its structure (`BODY.PEEK[]<0.64>`),
/// to tell a mail message from a bare report as the reading of files
/// does; blank bytes so far leave it undecided, and the message whole.
pub const START: usize = 64;
/// Messages, and bytes by the server's count, fetched in one `UID FETCH
/// … BODY.PEEK[]`: report mails are kilobytes, and a batch is held in
/// memory until the walk has handed it out.
const BODY_BATCH: usize = 64;
const BODY_BYTES: u64 = MAX_MESSAGE as u64;

/// How much of a message that can hold a report is fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fetch {
    /// The whole message: its DKIM signature covers the whole body
    /// (RFC 6376 §3.7), so nothing less can be verified.
    Whole,
    /// Only the parts that can be reports (`--trust-unsigned`: nothing
    /// is verified).
    ReportParts,
}

/// What is fetched of a message, decided from its structure.
#[derive(Debug, PartialEq, Eq)]
pub enum Plan {
    /// No part can be a report by its type: not fetched, and listed as a
    /// Maildir file without a report part is.
    NoReport,
    /// The whole message, read like a file of a Maildir.
    Whole,
    /// The parts at these sections (RFC 3501 §6.4.5), each with its MIME
    /// header.
    Parts(Vec<Vec<u32>>),
}

/// Deepest nesting of multiparts judged from the structure; a deeper
/// message is fetched whole, and the reading of mail decides. Report
/// mails nest two deep; the guard refuses structures past some 28
/// ([`super::guard::MAX_DEPTH`] parentheses, a leaf's own lists
/// included), which costs a new connection.
const MAX_NESTING: usize = 16;
/// Most parts fetched one by one from a message: a report mail has one or
/// two, and a command naming hundreds of sections could pass what a
/// server takes on one line. A message with more is fetched whole.
const MAX_PART_FETCHES: usize = 16;

/// The plan for a message from its first bytes (`start`, from
/// `BODY[]<0>`) and its structure. Without either, or with a structure
/// beyond what is judged here, the message is fetched whole.
pub fn plan(start: Option<&[u8]>, structure: Option<&BodyStructure<'_>>, fetch: Fetch) -> Plan {
    // The reading of a file decides by its first bytes whether it is a
    // mail message at all; so does this.
    if !matches!(start.map(|s| sniff(s, false)), Some(Content::Message)) {
        return Plan::Whole;
    }
    let Some(structure) = structure else {
        return Plan::Whole;
    };
    let mut found = Sections::default();
    found.walk(structure, &mut Vec::new());
    if found.too_deep || found.leaves > MAX_PARTS {
        return Plan::Whole;
    }
    if found.reports.is_empty() {
        return Plan::NoReport;
    }
    match (fetch, structure) {
        (Fetch::ReportParts, BodyStructure::Multipart { .. })
            if found.reports.len() <= MAX_PART_FETCHES =>
        {
            Plan::Parts(found.reports)
        }
        _ => Plan::Whole,
    }
}

/// The leaves of a structure, and the sections of those that can be
/// reports.
#[derive(Default)]
struct Sections {
    reports: Vec<Vec<u32>>,
    leaves: usize,
    too_deep: bool,
}

impl Sections {
    fn walk(&mut self, structure: &BodyStructure<'_>, path: &mut Vec<u32>) {
        match structure {
            BodyStructure::Multipart { bodies, .. } => {
                if path.len() >= MAX_NESTING {
                    self.too_deep = true;
                    return;
                }
                for (i, body) in bodies.iter().enumerate() {
                    path.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
                    self.walk(body, path);
                    path.pop();
                }
            }
            // A forwarded message is not looked into: the reading of mail
            // does not either (a report is its reporter's own mail).
            BodyStructure::Basic { common, .. }
            | BodyStructure::Text { common, .. }
            | BodyStructure::Message { common, .. } => {
                self.leaves += 1;
                if can_be_a_report(common) {
                    // The body of a message that is not multipart is its
                    // part 1.
                    self.reports.push(if path.is_empty() {
                        vec![1]
                    } else {
                        path.clone()
                    });
                }
            }
        }
    }
}

/// Whether a leaf of a structure can be a report: by its type
/// ([`mime::report_type`]), or, when the server could not read its type,
/// by its having a file name. A server gives a `Content-Type` it cannot
/// parse (`"application/tlsrpt+gzip"` in quotes, say) as an empty type
/// (Dovecot) or as `text/plain` (RFC 3501's default), where the reading
/// of mail may still see the report type; reporters name their report
/// files, and the server reads the `Content-Disposition` apart.
fn can_be_a_report(common: &BodyContentCommon<'_>) -> bool {
    let ctype = format!("{}/{}", common.ty.ty, common.ty.subtype);
    if mime::report_type(&ctype) != mime::ReportType::Never {
        return true;
    }
    let named = |params: &BodyParams<'_>| {
        params.iter().flatten().any(|(key, _)| {
            let key = key.to_ascii_lowercase();
            key.starts_with("filename") || key.starts_with("name")
        })
    };
    let unread = common.ty.ty.is_empty()
        || common.ty.subtype.is_empty()
        || ctype.eq_ignore_ascii_case("text/plain");
    unread
        && (named(&common.ty.params)
            || common
                .disposition
                .as_ref()
                .is_some_and(|d| named(&d.params)))
}

/// `1.2`: a section's part number.
fn section(path: &[u32]) -> String {
    path.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// `(UID BODY.PEEK[1.2.MIME] BODY.PEEK[1.2] …)`: the MIME header and the
/// body of each section.
pub fn parts_items(sections: &[Vec<u32>]) -> String {
    let mut items = String::from("(UID");
    for path in sections {
        let n = section(path);
        items.push_str(&format!(" BODY.PEEK[{n}.MIME] BODY.PEEK[{n}]"));
    }
    items.push(')');
    items
}

/// What the answer to a fetch of bodies brought of one message.
pub enum Got {
    Body(Body),
    /// Larger than a mail may be: not kept.
    TooLarge,
    /// Some of the parts asked for, not all: the message is fetched
    /// whole instead, so that no report part is passed over.
    Incomplete,
}

/// The parts of an answer to [`parts_items`], each as a MIME entity (its
/// header, a blank line, its body); `None` when the answer holds none of
/// them (it is not the one asked for).
pub fn entities(answer: &async_imap::types::Fetch, sections: &[Vec<u32>]) -> Option<Got> {
    let mut out = Vec::new();
    let mut total = 0;
    for path in sections {
        let header = answer.section(&SectionPath::Part(path.clone(), Some(MessageSection::Mime)));
        let body = answer.section(&SectionPath::Part(path.clone(), None));
        if let (Some(header), Some(body)) = (header, body) {
            total += header.len() + body.len() + 2;
            out.push(entity(header, body));
        }
    }
    Some(if out.is_empty() {
        return None;
    } else if out.len() < sections.len() {
        Got::Incomplete
    } else if total > MAX_MESSAGE {
        Got::TooLarge
    } else {
        Got::Body(Body::Parts(out))
    })
}

/// A part's MIME header and body as one entity. Servers end the header
/// with its blank line; one that does not gets it, so that the body is
/// never read as header fields.
fn entity(header: &[u8], body: &[u8]) -> Vec<u8> {
    let mut e = Vec::with_capacity(header.len() + body.len() + 2);
    e.extend_from_slice(header);
    if !(header.ends_with(b"\n\n") || header.ends_with(b"\r\n\r\n")) {
        e.extend_from_slice(b"\r\n");
        if !(header.is_empty() || header.ends_with(b"\n")) {
            e.extend_from_slice(b"\r\n");
        }
    }
    e.extend_from_slice(body);
    e
}

/// Messages (UID and size by the server's count) in batches for one
/// `UID FETCH`: at most [`BODY_BATCH`] messages and [`BODY_BYTES`].
pub fn batches(messages: &[(u32, u64)]) -> Vec<Vec<u32>> {
    let mut batches = Vec::new();
    let mut batch: Vec<u32> = Vec::new();
    let mut bytes = 0;
    for &(uid, size) in messages {
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
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plan for a message whose structure a server wrote as `wire`
    /// (RFC 3501 §7.4.2).
    fn plan_of(wire: &str, fetch: Fetch) -> Plan {
        use async_imap::imap_proto::{AttributeValue, Response};
        let line = format!("* 1 FETCH (UID 7 BODYSTRUCTURE {wire})\r\n");
        let (_, response) = Response::parse(line.as_bytes()).expect("a FETCH answer");
        let Response::Fetch(_, attributes) = response else {
            panic!("not a FETCH answer");
        };
        let structure = attributes.iter().find_map(|a| match a {
            AttributeValue::BodyStructure(s) => Some(s),
            _ => None,
        });
        plan(
            Some(b"From: a@b.test\r\n"),
            Some(structure.expect("a structure")),
            fetch,
        )
    }

    const TEXT: &str =
        r#"("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 33 1 NIL NIL NIL NIL)"#;
    const GZ: &str = r#"("application" "tlsrpt+gzip" ("name" "r.json.gz") NIL NIL "base64" 400 NIL ("attachment" ("filename" "r.json.gz")) NIL NIL)"#;
    const PNG: &str = r#"("image" "png" NIL NIL NIL "base64" 9000 NIL ("attachment" ("filename" "logo.png")) NIL NIL)"#;
    const OCTETS: &str = r#"("application" "octet-stream" ("name" "=?UTF-8?Q?r=C3=A9port.json.gz?=") NIL NIL "base64" 400 NIL NIL NIL NIL)"#;

    // A multipart's parts follow each other without a space (RFC 3501
    // §9, body-type-mpart).
    #[test]
    fn a_report_mails_structure_fetches_it_whole_or_its_report_parts() {
        let report =
            format!(r#"({TEXT}{GZ} "report" ("report-type" "tlsrpt" "boundary" "b") NIL NIL NIL)"#);
        // Verified: DKIM's body hash covers the whole message.
        assert_eq!(plan_of(&report, Fetch::Whole), Plan::Whole);
        assert_eq!(
            plan_of(&report, Fetch::ReportParts),
            Plan::Parts(vec![vec![2]])
        );
        // Nested, and a generic type whose encoded name only the reading
        // of mail decodes: fetched, and judged there.
        let nested = format!(
            r#"(({TEXT}{PNG} "related" ("boundary" "i") NIL NIL NIL){OCTETS}{GZ} "mixed" ("boundary" "o") NIL NIL NIL)"#
        );
        assert_eq!(
            plan_of(&nested, Fetch::ReportParts),
            Plan::Parts(vec![vec![2], vec![3]])
        );
        // A report that is the whole message is fetched whole.
        assert_eq!(plan_of(GZ, Fetch::ReportParts), Plan::Whole);
    }

    /// A server gives a Content-Type it cannot parse as empty or as
    /// text/plain: such a part with a file name is fetched, and the
    /// reading of mail judges its type.
    #[test]
    fn a_named_text_part_may_be_a_report_the_server_misread() {
        let named = r#"("text" "plain" ("charset" "us-ascii") NIL NIL "base64" 400 5 NIL ("attachment" ("filename" "r.json.gz")) NIL NIL)"#;
        let mail = format!(r#"({TEXT}{named} "mixed" ("boundary" "b") NIL NIL NIL)"#);
        assert_eq!(
            plan_of(&mail, Fetch::ReportParts),
            Plan::Parts(vec![vec![2]])
        );
        let by_type_name =
            r#"("text" "plain" ("name" "r.json.gz") NIL NIL "base64" 400 5 NIL NIL NIL NIL)"#;
        let mail = format!(r#"({TEXT}{by_type_name} "mixed" ("boundary" "b") NIL NIL NIL)"#);
        assert_eq!(plan_of(&mail, Fetch::Whole), Plan::Whole);
        // As Dovecot gives `Content-Type: "application/tlsrpt+gzip"`.
        let empty = r#"("" "" NIL NIL NIL "base64" 286 NIL ("attachment" ("filename" "Odd.json.gz")) NIL NIL)"#;
        let mail = format!(r#"({TEXT}{empty} "mixed" ("boundary" "b1") NIL NIL NIL)"#);
        assert_eq!(
            plan_of(&mail, Fetch::ReportParts),
            Plan::Parts(vec![vec![2]])
        );
        // Named parts of other types are judged by their type.
        let photo = format!(r#"({TEXT}{PNG} "mixed" ("boundary" "b") NIL NIL NIL)"#);
        assert_eq!(plan_of(&photo, Fetch::Whole), Plan::NoReport);
    }

    #[test]
    fn mail_without_a_part_that_can_be_a_report_is_not_fetched() {
        assert_eq!(plan_of(TEXT, Fetch::Whole), Plan::NoReport);
        let photo = format!(r#"({TEXT}{PNG} "mixed" ("boundary" "b") NIL NIL NIL)"#);
        assert_eq!(plan_of(&photo, Fetch::Whole), Plan::NoReport);
        // A report forwarded inside a message is not read from files
        // either (containers::mime).
        let forwarded = format!(
            r#"({TEXT}("message" "rfc822" NIL NIL NIL "7bit" 500 (NIL "fwd" NIL NIL NIL NIL NIL NIL NIL NIL) ({TEXT}{GZ} "report" ("boundary" "c") NIL NIL NIL) 20 NIL NIL NIL NIL) "mixed" ("boundary" "b") NIL NIL NIL)"#
        );
        assert_eq!(plan_of(&forwarded, Fetch::ReportParts), Plan::NoReport);
        // No structure: fetched whole, and the reading of mail decides.
        assert_eq!(
            plan(Some(b"From: a@b.test\r\n"), None, Fetch::ReportParts),
            Plan::Whole
        );
    }

    /// A bare report, a gzip file or an empty message in a mailbox is
    /// read as its file in a Maildir is, whatever the server makes of it
    /// as mail (for it, a text/plain message without a header).
    #[test]
    fn what_does_not_start_as_mail_is_fetched_whole() {
        use async_imap::imap_proto::{AttributeValue, Response};
        let line = format!("* 1 FETCH (UID 7 BODYSTRUCTURE {TEXT})\r\n");
        let (_, Response::Fetch(_, attributes)) = Response::parse(line.as_bytes()).unwrap() else {
            panic!("not a FETCH answer");
        };
        let Some(AttributeValue::BodyStructure(text)) = attributes.get(1) else {
            panic!("no structure");
        };
        let mail: &[u8] = b"Received: from x\r\n";
        assert_eq!(plan(Some(mail), Some(text), Fetch::Whole), Plan::NoReport);
        let blank = [b' '; START];
        for start in [
            &b"\r\n  {\"organization-name\": "[..],
            b"\x1f\x8b\x08\x00",
            b"",
            &blank,
        ] {
            assert_eq!(plan(Some(start), Some(text), Fetch::Whole), Plan::Whole);
        }
        assert_eq!(plan(None, Some(text), Fetch::Whole), Plan::Whole);
    }

    #[test]
    fn structures_beyond_what_is_judged_are_fetched_whole() {
        let mut deep = GZ.to_string();
        for _ in 0..=MAX_NESTING {
            deep = format!(r#"({TEXT}{deep} "mixed" NIL NIL NIL NIL)"#);
        }
        assert_eq!(plan_of(&deep, Fetch::ReportParts), Plan::Whole);
        let wide = format!(
            r#"({}{GZ} "mixed" NIL NIL NIL NIL)"#,
            TEXT.repeat(MAX_PARTS)
        );
        assert_eq!(plan_of(&wide, Fetch::ReportParts), Plan::Whole);
        let many = format!(
            r#"({TEXT}{} "mixed" NIL NIL NIL NIL)"#,
            GZ.repeat(MAX_PART_FETCHES + 1)
        );
        assert_eq!(plan_of(&many, Fetch::ReportParts), Plan::Whole);
        let few = format!(
            r#"({TEXT}{} "mixed" NIL NIL NIL NIL)"#,
            GZ.repeat(MAX_PART_FETCHES)
        );
        assert!(
            matches!(plan_of(&few, Fetch::ReportParts), Plan::Parts(p) if p.len() == MAX_PART_FETCHES)
        );
    }

    #[test]
    fn parts_are_asked_for_with_their_mime_headers_and_rejoined() {
        assert_eq!(
            parts_items(&[vec![2], vec![1, 3]]),
            "(UID BODY.PEEK[2.MIME] BODY.PEEK[2] BODY.PEEK[1.3.MIME] BODY.PEEK[1.3])"
        );
        let ct = b"Content-Type: application/json\r\n";
        assert_eq!(
            entity(b"Content-Type: a/b\r\n\r\n", b"{}"),
            b"Content-Type: a/b\r\n\r\n{}"
        );
        assert_eq!(entity(ct, b"{}"), [&ct[..], b"\r\n{}"].concat());
        assert_eq!(entity(b"X: y", b"{}"), b"X: y\r\n\r\n{}");
        assert_eq!(entity(b"", b"{}"), b"\r\n{}");
    }

    #[test]
    fn messages_are_fetched_in_bounded_batches() {
        let many: Vec<(u32, u64)> = (1..=130).map(|u| (u, 10)).collect();
        let b = batches(&many);
        assert_eq!(b.iter().map(Vec::len).collect::<Vec<_>>(), [64, 64, 2]);
        let big = [(1, BODY_BYTES - 5), (2, 10), (3, 1)];
        assert_eq!(batches(&big), [vec![1], vec![2, 3]]);
    }
}
