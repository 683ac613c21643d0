
use builtin;
use str;

set edit:completion:arg-completer[mtasts] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'mtasts'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'mtasts'= {
            cand --color 'Controls when to use color'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand gen-record 'Print the _mta-sts TXT record (v=STSv1; id=…) with a fresh id'
            cand gen-tlsrpt 'Print the _smtp._tls TXT record (v=TLSRPTv1; rua=…)'
            cand gen-tlsa 'Print the _25._tcp TLSA record (DANE, RFC 7672) of an MX host''s certificate'
            cand gen-policy 'Render a policy file (.well-known/mta-sts.txt)'
            cand lint 'Validate a local policy file or a TXT record value'
            cand check 'Verify a live deployment (DNS, HTTPS policy, SMTP STARTTLS) as a sending MTA would'
            cand init 'Write everything a domain must publish: policy, DNS records, hosting, checklist'
            cand gen-hosting 'Render the policy as a deployable artifact for a web host or serverless platform'
            cand promote 'Switch an init directory from testing to enforce, with a longer max_age and a new id'
            cand retire 'Withdraw MTA-STS safely: mode none, a short max_age, a new id (RFC 8461 §8.3)'
            cand report 'Summarise TLS-RPT reports and say whether it is safe to enforce'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mtasts;gen-record'= {
            cand --domain 'The mail domain the record is for (shows the owner name _mta-sts.DOMAIN)'
            cand --id 'The id to publish: 1-32 letters or digits [default: the UTC time, e.g. 20261128195300Z]'
            cand --format 'format'
            cand --ttl 'TTL for --format zone'
            cand --color 'Controls when to use color'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mtasts;gen-tlsrpt'= {
            cand --rua 'Where reports go: mailto:ADDRESS or https://URL (repeatable)'
            cand --domain 'The mail domain the record is for (shows the owner name _smtp._tls.DOMAIN)'
            cand --format 'format'
            cand --ttl 'TTL for --format zone'
            cand --color 'Controls when to use color'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mtasts;gen-tlsa'= {
            cand --cert 'The certificate the MX host serves, in PEM: its full chain for --usage 2'
            cand --host 'The MX host the certificate is for (the record''s owner is _25._tcp.HOST)'
            cand --usage '3: DANE-EE, the server''s own certificate or key; 2: DANE-TA, its issuer'
            cand --selector '1: the public key (SPKI), unchanged by a renewal with the same key; 0: the whole certificate'
            cand --matching '1: SHA-256; 2: SHA-512; 0: the selected bytes in full'
            cand --next-cert 'The certificate to switch to: print both records and the steps of the key change'
            cand --zone 'The DNS zone holding the host''s name, for --format powershell [default: the host''s parent domain]'
            cand --format 'format'
            cand --ttl 'TTL for --format zone and json, and the wait of a key change'
            cand --color 'Controls when to use color'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mtasts;gen-policy'= {
            cand --mode 'Policy mode'
            cand --mx 'An MX host or ''*.''-wildcard the policy allows (repeatable); IDN names are converted to A-labels'
            cand --provider 'Add the mx lines a hosted mail provider documents (repeatable; mtasts gen-policy --list-providers names them)'
            cand --max-age 'Seconds senders cache the policy, 0..=31557600 [default: 604800 for enforce, 86400 otherwise]'
            cand -o 'Write the policy to FILE (atomically) instead of standard output'
            cand --output 'Write the policy to FILE (atomically) instead of standard output'
            cand --color 'Controls when to use color'
            cand --list-providers 'Print the providers --provider knows (names, mx lines, their documentation) and exit'
            cand --json 'With --list-providers: one JSON document instead of text'
            cand --force 'Replace an existing --output file whose content differs'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mtasts;lint'= {
            cand --record 'Check a _mta-sts TXT record value instead, e.g. ''v=STSv1; id=20261128195300Z'''
            cand --tlsrpt 'Check a _smtp._tls TXT record value instead, e.g. ''v=TLSRPTv1; rua=mailto:tlsrpt@contoso.com'''
            cand --domain 'The policy''s domain, to warn about an mx wildcard over the whole domain'
            cand --color 'Controls when to use color'
            cand --json 'Print one JSON document on stdout instead of the diagnostics'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mtasts;check'= {
            cand --file 'Read more domains from FILE, one per line, ''#'' comments (''-'' for standard input)'
            cand --resolver 'Send every DNS query to this server only, ADDR or ADDR:PORT ([v6]:PORT)'
            cand --ca-file 'Trust the CA certificates in this PEM file too (policy HTTPS and SMTP STARTTLS)'
            cand --trust-anchor 'Validate DNSSEC (for the DANE checks) from the DS or DNSKEY records in FILE, in zone-file syntax, instead of the root''s keys'
            cand --timeout 'Bound of each network operation, in seconds'
            cand --expiry-warn 'Warn when a certificate (policy host or MX host) expires within DAYS; 0 turns it off'
            cand --shard 'Check only part K of N of the domains (K from 0 to N-1), split by a stable hash of each name'
            cand --concurrency 'How many domains to check at once'
            cand --per-address 'At most N connections open to one IP address at a time (SMTP and HTTPS together)'
            cand --domain-timeout 'Bound of all of one domain''s checks, in seconds: what is unfinished then fails as timed out'
            cand --connect-to 'Reach HOST:PORT at ADDR:PORT instead, keeping HOST as the TLS name (curl''s convention; repeatable)'
            cand --state 'Remember each domain''s id and policy digest in DIR, and fail when the policy changed but the id did not'
            cand --policy-port 'Port of the policy host (for test setups; senders always use 443)'
            cand --smtp-port 'Port of the MX hosts (for test setups; senders always use 25)'
            cand --color 'Controls when to use color'
            cand --list-checks 'Print the catalogue of checks (id, scope, what each verifies) and exit'
            cand --no-smtp 'Skip the SMTP probes of the MX hosts (reported as skip)'
            cand --json 'Print one JSON document on stdout instead of the report'
            cand --jsonl 'Print one JSON object per line, a domain each as it completes, with its input position'
            cand --csv 'Print a CSV header, then one row per domain as it completes'
            cand -v 'With several domains, show every check of each, not only its warnings and failures'
            cand --verbose 'With several domains, show every check of each, not only its warnings and failures'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mtasts;init'= {
            cand --out 'Directory to write [default: mta-sts-DOMAIN]'
            cand --mode 'Policy mode to start with'
            cand --max-age 'Seconds senders cache the policy [default: 604800 for enforce, 86400 otherwise]'
            cand --rua 'Where TLS reports go (repeatable) [default: mailto:tlsrpt@DOMAIN]'
            cand --host 'Hosting artifacts to generate (repeatable)'
            cand --mx 'Use these mx patterns instead of deriving them from the live MX records (repeatable)'
            cand --resolver 'Send every DNS query to this server only, ADDR or ADDR:PORT'
            cand --trust-anchor 'Validate DNSSEC (whether the MX records are signed, for the DANE steps) from the DS or DNSKEY records in FILE, instead of the root''s keys'
            cand --timeout 'Bound of each DNS query, in seconds'
            cand --cert 'Certificate chain (PEM) path written into nginx/Caddy/Apache configurations'
            cand --key 'Private key (PEM) path written into nginx/Caddy/Apache configurations'
            cand --webroot 'Document root holding .well-known/mta-sts.txt [default: /var/www/mta-sts.DOMAIN]'
            cand --listen 'Listen on ADDR:PORT or PORT instead of 443 (nginx, Caddy, Apache)'
            cand --color 'Controls when to use color'
            cand --allow-uncovered 'Write the policy even if a live MX host is not covered by any pattern'
            cand --classic 'Cloudflare Worker: use the classic addEventListener(''fetch'', …) syntax'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mtasts;gen-hosting'= {
            cand --domain 'The mail domain (the policy host is mta-sts.DOMAIN)'
            cand --policy-file 'Serve this existing policy file instead of one built from --mode/--mx'
            cand --mode 'Policy mode'
            cand --mx 'An MX host or ''*.''-wildcard the policy allows (repeatable); IDN names are converted to A-labels'
            cand --provider 'Add the mx lines a hosted mail provider documents (repeatable; mtasts gen-policy --list-providers names them)'
            cand --max-age 'Seconds senders cache the policy, 0..=31557600 [default: 604800 for enforce, 86400 otherwise]'
            cand --cert 'Certificate chain (PEM) path written into nginx/Caddy/Apache configurations'
            cand --key 'Private key (PEM) path written into nginx/Caddy/Apache configurations'
            cand --webroot 'Document root holding .well-known/mta-sts.txt [default: /var/www/mta-sts.DOMAIN]'
            cand --listen 'Listen on ADDR:PORT or PORT instead of 443 (nginx, Caddy, Apache)'
            cand --out 'Write the files under DIR instead of printing them'
            cand --color 'Controls when to use color'
            cand --classic 'Cloudflare Worker: use the classic addEventListener(''fetch'', …) syntax'
            cand --force 'Replace files under --out whose content differs'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mtasts;promote'= {
            cand --max-age 'max_age of the enforced policy, at least a week is recommended [default: 1209600]'
            cand --color 'Controls when to use color'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mtasts;retire'= {
            cand --color 'Controls when to use color'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mtasts;report'= {
            cand --domain 'Only this policy domain'
            cand --min-reporters 'Reporting organisations that must have reported sessions under the current policy'
            cand --min-days 'Days with sessions under the current policy'
            cand --since 'Only reports from this day on (YYYY-MM-DD): judge from the day a problem was fixed'
            cand --html 'Also write the report as one self-contained HTML page to FILE (atomically)'
            cand --resolver 'Look DKIM keys up at this server only, ADDR or ADDR:PORT ([v6]:PORT)'
            cand --imap-password-file 'The IMAP password is the first line of FILE (otherwise $MTASTS_IMAP_PASSWORD)'
            cand --imap-move-to 'After the summary, move the IMAP messages read as reports to FOLDER (the mailbox is otherwise left as it was)'
            cand --ca-file 'Trust the CA certificates in this PEM file too (for the IMAP server)'
            cand --timeout 'Bound of each network step, in seconds: a DNS query for a DKIM key, an IMAP command'
            cand --color 'Controls when to use color'
            cand --json 'Print one JSON document instead of the summary'
            cand --force 'Replace an existing --html file whose content differs'
            cand --trust-unsigned 'Count reports from mail without checking their DKIM signature (for mail a system you trust verified on arrival)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mtasts;completions'= {
            cand --color 'Controls when to use color'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mtasts;help'= {
            cand gen-record 'Print the _mta-sts TXT record (v=STSv1; id=…) with a fresh id'
            cand gen-tlsrpt 'Print the _smtp._tls TXT record (v=TLSRPTv1; rua=…)'
            cand gen-tlsa 'Print the _25._tcp TLSA record (DANE, RFC 7672) of an MX host''s certificate'
            cand gen-policy 'Render a policy file (.well-known/mta-sts.txt)'
            cand lint 'Validate a local policy file or a TXT record value'
            cand check 'Verify a live deployment (DNS, HTTPS policy, SMTP STARTTLS) as a sending MTA would'
            cand init 'Write everything a domain must publish: policy, DNS records, hosting, checklist'
            cand gen-hosting 'Render the policy as a deployable artifact for a web host or serverless platform'
            cand promote 'Switch an init directory from testing to enforce, with a longer max_age and a new id'
            cand retire 'Withdraw MTA-STS safely: mode none, a short max_age, a new id (RFC 8461 §8.3)'
            cand report 'Summarise TLS-RPT reports and say whether it is safe to enforce'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mtasts;help;gen-record'= {
        }
        &'mtasts;help;gen-tlsrpt'= {
        }
        &'mtasts;help;gen-tlsa'= {
        }
        &'mtasts;help;gen-policy'= {
        }
        &'mtasts;help;lint'= {
        }
        &'mtasts;help;check'= {
        }
        &'mtasts;help;init'= {
        }
        &'mtasts;help;gen-hosting'= {
        }
        &'mtasts;help;promote'= {
        }
        &'mtasts;help;retire'= {
        }
        &'mtasts;help;report'= {
        }
        &'mtasts;help;completions'= {
        }
        &'mtasts;help;help'= {
        }
    ]
    $completions[$command]
}
