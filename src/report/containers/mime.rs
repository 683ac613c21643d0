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
            .map(|c| {
                format!("{}/{}", c.ctype(), c.subtype().unwrap_or_default()).to_ascii_lowercase()
            })
            .unwrap_or_default();
        let name: String = part
            .attachment_name()
            .unwrap_or_default()
            .to_ascii_lowercase()
            .chars()
            .take(MAX_NAME)
            .collect();
        let is_report = ctype.starts_with("application/tlsrpt")
            || (matches!(
                ctype.as_str(),
                "application/gzip"
                    | "application/x-gzip"
                    | "application/json"
                    | "application/octet-stream"
            ) && (name.ends_with(".json")
                || name.ends_with(".json.gz")
                || name.ends_with(".gz")));
        if is_report {
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

    /// A report forwarded inside another mail is not read: reporters send
    /// their own mail (RFC 8460 §5.3), whose signature is theirs.
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
