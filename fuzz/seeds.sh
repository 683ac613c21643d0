#!/usr/bin/env bash
# Writes the seed corpus, fuzz/corpus/<target>/, from the report fixtures
# in tests/fixtures/tlsrpt and the examples below: a few valid inputs of
# each format and the usual ways they go wrong, for the fuzzer to start
# from. Needs gzip and base64. Run from anywhere; it replaces the seeds.
set -euo pipefail
cd "$(dirname "$0")"
fixtures=../tests/fixtures/tlsrpt
rm -rf corpus
for t in policy sts_record tlsrpt_record report_json report_file gzip mime mbox smtp_reply content_type tlsa_record imap_answers; do
    mkdir -p "corpus/$t"
done

# put TARGET NAME: stdin to the seed file.
put() { cat >"corpus/$1/$2"; }
gz() { gzip -9 -n -c; }
# The gzip target's input starts with the cap, two bytes little endian.
cap() { printf '\x00\x40'; } # 16384

# --- policy -----------------------------------------------------------
printf 'version: STSv1\r\nmode: enforce\r\nmx: mail.example.test\r\nmx: *.mail.protection.outlook.com\r\nmax_age: 604800\r\n' | put policy enforce-crlf
printf 'version: STSv1\nmode: testing\nmx: mx1.example.test\nmax_age: 86400\n' | put policy testing-lf
printf 'version: STSv1\nmode: none\nmax_age: 0' | put policy none-no-final-newline
printf 'version: STSv1\nmode: enforce\nmx: *.example.test\nmax_age: 31557600\next-1: value:with:colons\nMode: testing\nmx: MX.Example.Test\nmx: mx.example.test\n' | put policy extensions-and-duplicates
printf '# a comment\nversion: STSv2\n\n mode: enforce\nmode:\nmx: 192.0.2.1\nmx: mail.example.test.\nmx: a.*.example.test\nmx: b\xc3\xbccher.example\nmax_age: 99999999999\nmax_age: -1\nno colon here\nbad key!: x\nkey: a\x01b\nx: y\rz\n\xff\xfe: broken\n\n\r\n' | put policy broken-lines

# --- _mta-sts records: one record per line --------------------------------
printf 'v=STSv1; id=20261128195300Z' | put sts_record valid
printf 'v=STSv1; id=abc123; ext=value;\nv=STSv1  \nv=spf1 -all' | put sts_record extension-stray-and-other
printf 'v=STSv1 ; id=1;id=2\nv=STSv1; id=2024-01-01\nv=STSv1; id=012345678901234567890123456789012\nv=STSv1;;id=x\nv=STSv10; id=x\nv=STSv1; id=x; bad name=y; e=\xff' | put sts_record broken
printf 'v=STSv1; id=%0300d' 7 | put sts_record long-split-into-strings

# --- _smtp._tls records -------------------------------------------------
printf 'v=TLSRPTv1; rua=mailto:tlsrpt@example.test' | put tlsrpt_record valid
printf 'v=TLSRPTv1;rua=mailto:a@example.test,https://reports.example.test/tlsrpt?x=%%2C ; ext=1\nv=TLSRPTv1' | put tlsrpt_record two-uris-and-stray
printf 'v=TLSRPTv1; rua=mailto:a@example.test!10m\nv=TLSRPTv1; rua=http://example.test\nv=TLSRPTv1; rua=a@example.test\nv=TLSRPTv1; rua=mailto:a@b; rua=mailto:c@d\nv=TLSRPTv1; rua=https://%%zz\nv=TLSRPTv1 ; rua=mailto:\xe2\x80\xae@x' | put tlsrpt_record broken

# --- TLS-RPT JSON -------------------------------------------------------
for f in "$fixtures"/*.json; do
    put report_json "$(basename "$f" .json)" <"$f"
done
cat <<'EOF' | put report_json failures-and-oddities
{"organization-name":"Sender \u001b[31m","date-range":{"start-datetime":"2026-11-02T00:00:00+01:00","end-datetime":"2026-11-01"},"contact-info":"x","report-id":"r-1","policies":[{"policy":{"policy-type":"sts","policy-string":["version: STSv1","mode: enforce","mx: mx.example.test","max_age: 604800"],"policy-domain":"Example.Test","mx-host":["mx.example.test"]},"summary":{"total-successful-session-count":"12","total-failure-session-count":3.0},"failure-details":[{"result-type":"certificate-expired","sending-mta-ip":"2001:db8::1","receiving-mx-hostname":"mx.example.test","receiving-ip":"192.0.2.1","failed-session-count":2,"failure-reason-code":"X509_V_ERR"},{"result-type":"made-up","failed-session-count":1}]},{"policy":{"policy-type":"no-policy-found","policy-domain":"other.test"},"summary":{"total-successful-session-count":1,"total-failure-session-count":0}}]}
EOF

# --- report files: whatever report reads -------------------------------
google="$fixtures/google.json"
gz <"$google" | put report_file report.json.gz
cp "$fixtures/microsoft.json" corpus/report_file/report.json
message() { # message CONTENT-TYPE FILENAME BASE64-BODY
    printf 'From: reports@example.test\r\nTo: tlsrpt@example.test\r\nSubject: Report Domain: example.test\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=tlsrpt; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nThis is an aggregate TLS report.\r\n--b1\r\nContent-Type: %s\r\nContent-Disposition: attachment; filename="%s"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n--b1--\r\n' "$1" "$2" "$3"
}
message application/tlsrpt+gzip 'google!example.test!1!2.json.gz' "$(gz <"$google" | base64 -w 76)" | put report_file message-gzip-part
{
    printf 'From reports@example.test Sun Nov 29 00:00:00 2026\n'
    message application/tlsrpt+json report.json "$(base64 -w 76 <"$fixtures/yahoo-weekly.json")" | tr -d '\r'
    printf '>From the body, escaped\n\nFrom reports@example.test Sun Nov 29 00:00:01 2026\nSubject: no report\n\nhello\n'
} | put report_file mbox
gz <corpus/report_file/mbox | put report_file mbox.gz
gz <corpus/report_file/message-gzip-part | gz | put report_file gzip-message-gzip

# --- gzip: the cap, then the data ----------------------------------------
{ cap; gz <"$google"; } | put gzip report
{ cap; printf 'ab' | gz; printf 'cd' | gz; printf '\0\0\0\0'; } | put gzip members-and-padding
{ printf '\x00\x01'; head -c 4096 /dev/zero | gz; } | put gzip over-the-cap

# --- MIME messages --------------------------------------------------------
cp corpus/report_file/message-gzip-part corpus/mime/gzip-part
cat <<'EOF' | sed 's/$/\r/' | put mime parts-by-name-and-type
From: reports@example.test
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

caf=C3=A9 report=
 follows
--inner--
--outer
Content-Type: application/json; name="Report.JSON"
Content-Transfer-Encoding: quoted-printable

{"organization-name":"x"=3D}
--outer
Content-Type: application/octet-stream
Content-Disposition: attachment; filename*=UTF-8''r%C3%A9port.json.gz

AAAA
--outer
Content-Type: message/rfc822

Content-Type: application/tlsrpt+json

{}
--outer--
EOF

# --- mbox: the read buffer size, then the mbox ----------------------------
{ printf '\x07'; cat corpus/report_file/mbox; } | put mbox two-messages
{ printf '\x00'; printf '\n\nFrom a@b\n>>From kept\nFrom-not\n\nFrom c@d\n'; } | put mbox blank-lines-first

# --- SMTP: what servers send ---------------------------------------------
printf '220 mx.example.test ESMTP\r\n250-mx.example.test\r\n250-PIPELINING\r\n250-SIZE 52428800\r\n250-8BITMIME\r\n250 STARTTLS\r\n220 2.0.0 Ready to start TLS\r\n' | put smtp_reply starttls-session
printf '220-mx.example.test ESMTP\r\n220-greeting continues\r\n220 end\n250 mx.example.test\r\n' | put smtp_reply no-starttls
printf '220 ok\r\n250-mx\r\n250-starttls\r\n250 AUTH PLAIN\r\n220 go\r\nEHLO injected\r\n' | put smtp_reply injection
printf '554 5.7.1 no\r\n250-a\r\n251 b\r\n' | put smtp_reply refused-and-broken
printf '220 \x1b[31mred\xff\r\n' | put smtp_reply control-characters

# --- HTTP: the Content-Type line, then the body ---------------------------
{ printf 'text/plain; charset=utf-8\n'; cat corpus/policy/enforce-crlf; } | put content_type text-plain
{ printf 'TEXT/PLAIN\n'; cat corpus/policy/testing-lf; } | put content_type upper-case
{ printf 'text/html; charset=utf-8\n'; printf '<html>version: STSv1</html>'; } | put content_type html
printf 'version: STSv1\nmode: enforce\n' | put content_type no-header
{ printf ' text/plain ;charset="a;b"\n'; cat corpus/policy/broken-lines; } | put content_type spaces-and-broken-policy

# --- TLSA records: one per line, or the fields as DNS carries them ------
printf '3 1 1 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n2 0 2 %0128d\n3 1 0 3059301306072a8648ce3d0201' 0 | put tlsa_record presentation
printf '3 1 1 BA7816BF8F01CFEA414140DE5DAE2223\n  B00361A396177A9CB410FF61F20015AD\n4 1 1 00\n3 2 1 00\n3 1 3 00\n3 1 1 abcd\n3 1 0 xyz0\n3 1\n+3 1 1 00\n300 1 1 00\n3 1 0 \xff' | put tlsa_record broken
printf '\x03\x01\x01\xba\x78\x16\xbf\x8f\x01\xcf\xea\x41\x41\x40\xde\x5d\xae\x22\x23\xb0\x03\x61\xa3\x96\x17\x7a\x9c\xb4\x10\xff\x61\xf2\x00\x15\xad' | put tlsa_record wire

# --- IMAP: the piece size, then what a server sends ----------------------
leaf='("application" "tlsrpt+gzip" ("name" "r.json.gz") NIL NIL "base64" 400 NIL ("attachment" ("filename" "r.json.gz")) NIL NIL)'
text='("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 33 1 NIL NIL NIL NIL)'
{ printf '\x0f'; printf '* OK [CAPABILITY IMAP4rev1 MOVE UIDPLUS] ready\r\na1 OK [CAPABILITY IMAP4rev1 MOVE] Logged in\r\n* 3 EXISTS\r\n* OK [UIDVALIDITY 17] x\r\na2 OK [READ-ONLY] Examine completed\r\n* SEARCH 1 2 7\r\na3 OK done\r\n'; } | put imap_answers session
{ printf '\x40'; printf '* 1 FETCH (UID 7 BODYSTRUCTURE (%s%s "report" ("report-type" "tlsrpt" "boundary" "b") NIL NIL NIL) BODY[]<0> {16}\r\nFrom: a@b.test\r\n)\r\n* 2 FETCH (FLAGS (\\Seen) UID 8)\r\na4 OK Fetch completed\r\n' "$text" "$leaf"; } | put imap_answers structure
{ printf '\x00'; printf '* 1 FETCH (UID 7 BODY[2.MIME] {32}\r\nContent-Type: application/json\r\n BODY[2] {6}\r\n((((((\r\n BODY[] ~{3}\r\n))) X "a\\"(\\\\")\r\n'; } | put imap_answers literals-and-quotes
deep="$leaf"
for _ in $(seq 300); do deep="(${deep} \"mixed\" NIL NIL NIL NIL)"; done
{ printf '\xff'; printf '* 1 FETCH (UID 9 BODYSTRUCTURE %s)\r\n' "$deep"; } | put imap_answers too-deep
{ printf '\x03'; printf '* 1 FETCH (UID 9 BODYSTRUCTURE ("message" "global" () NIL NIL "7bit" 9 NIL NIL NIL NIL))\r\n* OK {5}\r\n(((((\r\n'; } | put imap_answers unparseable
# imap-proto 0.17 panics on a byte outside ASCII right after a code.
{ printf '\x0f'; printf '* OK [CAPABILITY IMAP4rev1 MOVE]\xb0 Logged in\r\na1 NO Mailbox Re\xe7us] missing\r\n'; } | put imap_answers byte-after-code
# Where a broken server could make imap-proto and the guard part ways.
{ printf '\x00'; printf '* 1 FETCH (X "a\0 BODYSTRUCTURE ((((((((()))))))))) Y ")\r\n* 1 FETCH (X (a "b) BODYSTRUCTURE ((((())))) Y "))\r\n* 1 FETCH (X ({5}\r\n) BODYSTRUCTURE (((()))))\r\n* OK hi {9}\r\n* 2 FETCH (UID 8 INTERNALDATE NIL)\r\n'; } | put imap_answers parting-ways
{ printf '\x10'; printf '* OK ({40}\r\n* 1 FETCH (BODYSTRUCTURE ((((()))))))\r\n)\r\n* 1 FETCH (FLAGS ({20}\r\n) BODYSTRUCTURE (((()\r\n* 1 FETCH (UID 1 X ~{9}\r\n BODY ((()\r\n'; } | put imap_answers literals-not-read-as-such
{ printf '\x20'; printf '* 1 FETCH (FLAGS ("a) BODYSTRUCTURE ("a " "b " NIL NIL NIL NIL 0 NIL NIL NIL NIL (") " (") " (") " NIL))))\r\n* 1 FETCH (BODYSTRUCTURE ("application" "gzip" ("name" "r (1).gz") NIL NIL "base64" 4 NIL NIL NIL NIL))\r\n'; } | put imap_answers raw-list-desync
{ printf '\x08'; printf '* STATUS {26}\r\n* 1 FETCH (BODY[] {40}\r\n (MESSAGES 1)\r\n* 1 FETCH (BODYSTRUCTURE ((((()))))))\r\n* LIST () "/" {5}\r\nINBOX\r\n'; } | put imap_answers mailbox-literal
{ printf '\x40'; printf 'a1 OK done, and here is thirty-three bytes (RFC822 {42}\r\n* 1 FETCH (BODYSTRUCTURE ((((((()))))))))\r\n)\r\n'; } | put imap_answers long-start
