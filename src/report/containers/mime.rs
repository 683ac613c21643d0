//! Mail messages (RFC 5322, MIME): the parts that are TLS-RPT reports
//! (RFC 8460 §5.3: `application/tlsrpt+gzip` or `+json`; reporters also
//! use `application/gzip` or `application/json` with a report file name).

use mail_parser::{MessageParser, MimeHeaders};

use super::mbox::MAX_MESSAGE;

/// Most MIME boundary lines in one message.
pub const MAX_PARTS: usize = 1000;
/// Part names label every note about the report: a sensible length.
const MAX_NAME: usize = 200;

/// A report part of a message.
#[derive(Debug, PartialEq, Eq)]
pub struct Part {
    /// Its file name, in lower case, cut to a sensible length (empty when
    /// it has none).
    pub name: String,
    /// Its decoded contents.
    pub contents: Vec<u8>,
}

/// Why a message holds no report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoReport {
    /// Larger than [`MAX_MESSAGE`]: a report mail is kilobytes.
    TooLarge,
    /// More than [`MAX_PARTS`] parts: a report mail has a handful, and a
    /// message of millions would take gigabytes to parse.
    TooManyParts,
    /// Not a mail message at all.
    NotAMessage,
    /// A message, without a report part.
    NoReportPart,
}

/// Whether a part of a type can be a report: by its type alone, or only
/// when its file name ends in `.json`, `.json.gz` or `.gz`.
///
/// The one list of report types: [`report_parts`] judges parts by it,
/// and an IMAP mailbox's structure by it before a message is fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportType {
    /// `application/tlsrpt+gzip`, `application/tlsrpt+json` (RFC 8460
    /// §5.3), and other `application/tlsrpt…`.
    Always,
    /// The generic types reporters also use for a report file.
    ByName,
    Never,
}

/// What a part of type `ctype` (`type/subtype`, any case) can be.
pub fn report_type(ctype: &str) -> ReportType {
    let ctype = ctype.to_ascii_lowercase();
    if ctype.starts_with("application/tlsrpt") {
        ReportType::Always
    } else if matches!(
        ctype.as_str(),
        "application/gzip" | "application/x-gzip" | "application/json" | "application/octet-stream"
    ) {
        ReportType::ByName
    } else {
        ReportType::Never
    }
}

/// Whether a part is a report, by its type and its file name (in lower
/// case).
fn is_report_part(ctype: &str, name: &str) -> bool {
    match report_type(ctype) {
        ReportType::Always => true,
        ReportType::ByName => {
            name.ends_with(".json") || name.ends_with(".json.gz") || name.ends_with(".gz")
        }
        ReportType::Never => false,
    }
}

/// The report parts of a message, in order.
pub fn report_parts(bytes: &[u8]) -> Result<Vec<Part>, NoReport> {
    if bytes.len() > MAX_MESSAGE {
        return Err(NoReport::TooLarge);
    }
    if bytes
        .split(|&b| b == b'\n')
        .filter(|line| line.starts_with(b"--"))
        .nth(MAX_PARTS)
        .is_some()
    {
        return Err(NoReport::TooManyParts);
    }
    let message = MessageParser::default()
        .parse(bytes)
        .ok_or(NoReport::NotAMessage)?;
    let mut reports = Vec::new();
    for part in &message.parts {
        let ctype = part
            .content_type()
            .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or_default()))
            .unwrap_or_default();
        let name: String = part
            .attachment_name()
            .unwrap_or_default()
            .to_ascii_lowercase()
            .chars()
            .take(MAX_NAME)
            .collect();
        if is_report_part(&ctype, &name) {
            reports.push(Part {
                name,
                contents: part.contents().to_vec(),
            });
        }
    }
    if reports.is_empty() {
        return Err(NoReport::NoReportPart);
    }
    Ok(reports)
}

/// The report parts of a message fetched part by part (IMAP `BODY[n.MIME]`
/// and `BODY[n]` of the parts that can be reports): each entity, its MIME
/// header and its body, is read as [`report_parts`] reads a message, and
/// the parts of all are the message's, in order.
pub fn report_parts_of_entities(entities: &[Vec<u8>]) -> Result<Vec<Part>, NoReport> {
    if entities.iter().map(Vec::len).sum::<usize>() > MAX_MESSAGE {
        return Err(NoReport::TooLarge);
    }
    let mut reports = Vec::new();
    for entity in entities {
        match report_parts(entity) {
            Ok(parts) => reports.extend(parts),
            Err(NoReport::TooManyParts) => return Err(NoReport::TooManyParts),
            Err(_) => {}
        }
    }
    if reports.is_empty() {
        return Err(NoReport::NoReportPart);
    }
    Ok(reports)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(parts: &[(&str, &str, &str)]) -> Vec<u8> {
        let mut m = String::from(
            "From: a@b.test\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=tlsrpt; boundary=\"b\"\r\n\r\n",
        );
        for (ctype, name, body) in parts {
            m.push_str(&format!("--b\r\nContent-Type: {ctype}\r\n"));
            if !name.is_empty() {
                m.push_str(&format!(
                    "Content-Disposition: attachment; filename=\"{name}\"\r\n"
                ));
            }
            m.push_str(&format!("\r\n{body}\r\n"));
        }
        m.push_str("--b--\r\n");
        m.into_bytes()
    }

    #[test]
    fn report_parts_are_picked_by_type_and_name() {
        let m = message(&[
            ("text/plain", "", "This is an aggregate TLS report."),
            ("application/tlsrpt+json", "", "{\"a\": 1}"),
            ("application/json", "Report.JSON", "{\"b\": 2}"),
            ("application/json", "notes.txt", "{\"c\": 3}"),
            ("application/octet-stream", "r.json.gz", "gz"),
        ]);
        let parts = report_parts(&m).unwrap();
        let got: Vec<(&str, &[u8])> = parts
            .iter()
            .map(|p| (p.name.as_str(), p.contents.as_slice()))
            .collect();
        assert_eq!(
            got,
            [
                ("", &b"{\"a\": 1}"[..]),
                ("report.json", b"{\"b\": 2}"),
                ("r.json.gz", b"gz"),
            ]
        );
    }

    #[test]
    fn a_message_read_part_by_part_gives_the_parts_read_whole() {
        let parts = [
            ("text/plain", "", "This is an aggregate TLS report."),
            ("application/tlsrpt+json", "", "{\"a\": 1}"),
            ("image/png", "logo.png", "png"),
            ("application/json", "Report.JSON", "{\"b\": 2}"),
        ];
        let whole = report_parts(&message(&parts)).unwrap();
        // As an IMAP server returns BODY[n.MIME] and BODY[n] of the parts
        // that can be reports by their type.
        let entities: Vec<Vec<u8>> = parts
            .iter()
            .filter(|p| report_type(p.0) != ReportType::Never)
            .map(|(ctype, name, body)| {
                let mut e = format!("Content-Type: {ctype}\r\n");
                if !name.is_empty() {
                    e.push_str(&format!(
                        "Content-Disposition: attachment; filename=\"{name}\"\r\n"
                    ));
                }
                e.push_str(&format!("\r\n{body}"));
                e.into_bytes()
            })
            .collect();
        assert_eq!(entities.len(), 2);
        assert_eq!(report_parts_of_entities(&entities).unwrap(), whole);
        assert_eq!(
            report_parts_of_entities(&entities[..0]),
            Err(NoReport::NoReportPart)
        );
        let text = b"Content-Type: text/plain\r\n\r\nhello".to_vec();
        assert_eq!(
            report_parts_of_entities(&[text]),
            Err(NoReport::NoReportPart)
        );
    }

    /// A report forwarded inside another mail is not read: reporters send
    /// their own mail (RFC 8460 §5.3), whose signature is theirs. An IMAP
    /// mailbox's structure is judged the same way: `message/*` parts are
    /// [`ReportType::Never`].
    #[test]
    fn a_report_inside_a_forwarded_message_is_not_read() {
        let inner = String::from_utf8(message(&[("application/tlsrpt+json", "", "{}")])).unwrap();
        let outer = format!(
            "From: a@b.test\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"o\"\r\n\r\n\
             --o\r\nContent-Type: text/plain\r\n\r\nForwarded.\r\n\
             --o\r\nContent-Type: message/rfc822\r\n\r\n{inner}\r\n--o--\r\n"
        );
        assert_eq!(report_parts(outer.as_bytes()), Err(NoReport::NoReportPart));
    }

    #[test]
    fn report_types_are_judged_in_any_case() {
        assert_eq!(report_type("Application/TLSRPT+gzip"), ReportType::Always);
        assert_eq!(report_type("application/X-GZIP"), ReportType::ByName);
        assert_eq!(report_type("text/plain"), ReportType::Never);
        assert_eq!(report_type("message/rfc822"), ReportType::Never);
        assert!(!is_report_part("application/json", "notes.txt"));
        assert!(is_report_part("application/json", "r.json"));
    }

    #[test]
    fn messages_without_reports_say_why() {
        assert_eq!(
            report_parts(&message(&[("text/plain", "", "hello")])),
            Err(NoReport::NoReportPart)
        );
        assert_eq!(
            report_parts(b"From: a@b.test\r\nSubject: hi\r\n\r\nno report here\r\n"),
            Err(NoReport::NoReportPart)
        );
        let many = vec![("text/plain", "", "x"); MAX_PARTS + 1];
        assert_eq!(report_parts(&message(&many)), Err(NoReport::TooManyParts));
        let big = vec![b'x'; MAX_MESSAGE + 1];
        assert_eq!(report_parts(&big), Err(NoReport::TooLarge));
    }

    #[test]
    fn a_message_that_trips_the_parsers_debug_assertion_is_read() {
        // Found by the mime fuzz target: mail-parser 0.11 stops on a
        // debug assertion here (see Cargo.toml). Left out, as in release
        // builds, the parser recovers what it can: no report part.
        let m = b"From: repor(ts@\x9b\x87\x9e\x92ple.test\r\nMIME-Vers\x87on: 1.0\r\n\
            Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n--outer\r\n\
            Coransfer-Encoding: quoted-printabDisposition: attachment; \
            fename#=UTF-8''r%C3%A9port.json.gz\r\n\r\nAAAA\r\
            \x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\
            \x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\
            \n--outer\r\nContent-Type: message/rfc822\r\n\r\nConteuter\r\n\
            Content-Type: message/rfc822\r\n\r\n\
            Content-Type: application/tlsrpt+json\r\n\r\n{}\r\n--outer--\r\n";
        assert_eq!(report_parts(m), Err(NoReport::NoReportPart));
    }
}
