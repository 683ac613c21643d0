
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'mtasts' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'mtasts'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'mtasts' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Controls when to use color')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('gen-record', 'gen-record', [CompletionResultType]::ParameterValue, 'Print the _mta-sts TXT record (v=STSv1; id=…) with a fresh id')
            [CompletionResult]::new('gen-tlsrpt', 'gen-tlsrpt', [CompletionResultType]::ParameterValue, 'Print the _smtp._tls TXT record (v=TLSRPTv1; rua=…)')
            [CompletionResult]::new('gen-tlsa', 'gen-tlsa', [CompletionResultType]::ParameterValue, 'Print the _25._tcp TLSA record (DANE, RFC 7672) of an MX host''s certificate')
            [CompletionResult]::new('gen-policy', 'gen-policy', [CompletionResultType]::ParameterValue, 'Render a policy file (.well-known/mta-sts.txt)')
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, 'Validate a local policy file or a TXT record value')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Verify a live deployment (DNS, HTTPS policy, SMTP STARTTLS) as a sending MTA would')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write everything a domain must publish: policy, DNS records, hosting, checklist')
            [CompletionResult]::new('gen-hosting', 'gen-hosting', [CompletionResultType]::ParameterValue, 'Render the policy as a deployable artifact for a web host or serverless platform')
            [CompletionResult]::new('promote', 'promote', [CompletionResultType]::ParameterValue, 'Switch an init directory from testing to enforce, with a longer max_age and a new id')
            [CompletionResult]::new('retire', 'retire', [CompletionResultType]::ParameterValue, 'Withdraw MTA-STS safely: mode none, a short max_age, a new id (RFC 8461 §8.3)')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Summarise TLS-RPT reports and say whether it is safe to enforce')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mtasts;gen-record' {
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'The mail domain the record is for (shows the owner name _mta-sts.DOMAIN)')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'The id to publish: 1-32 letters or digits [default: the UTC time, e.g. 20261128195300Z]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'TTL for --format zone')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Controls when to use color')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mtasts;gen-tlsrpt' {
            [CompletionResult]::new('--rua', '--rua', [CompletionResultType]::ParameterName, 'Where reports go: mailto:ADDRESS or https://URL (repeatable)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'The mail domain the record is for (shows the owner name _smtp._tls.DOMAIN)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'TTL for --format zone')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Controls when to use color')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mtasts;gen-tlsa' {
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'The certificate the MX host serves, in PEM: its full chain for --usage 2')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The MX host the certificate is for (the record''s owner is _25._tcp.HOST)')
            [CompletionResult]::new('--usage', '--usage', [CompletionResultType]::ParameterName, '3: DANE-EE, the server''s own certificate or key; 2: DANE-TA, its issuer')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, '1: the public key (SPKI), unchanged by a renewal with the same key; 0: the whole certificate')
            [CompletionResult]::new('--matching', '--matching', [CompletionResultType]::ParameterName, '1: SHA-256; 2: SHA-512; 0: the selected bytes in full')
            [CompletionResult]::new('--next-cert', '--next-cert', [CompletionResultType]::ParameterName, 'The certificate to switch to: print both records and the steps of the key change')
            [CompletionResult]::new('--zone', '--zone', [CompletionResultType]::ParameterName, 'The DNS zone holding the host''s name, for --format powershell [default: the host''s parent domain]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'TTL for --format zone and json, and the wait of a key change')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Controls when to use color')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mtasts;gen-policy' {
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Policy mode')
            [CompletionResult]::new('--mx', '--mx', [CompletionResultType]::ParameterName, 'An MX host or ''*.''-wildcard the policy allows (repeatable); IDN names are converted to A-labels')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Add the mx lines a hosted mail provider documents (repeatable; mtasts gen-policy --list-providers names them)')
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'Seconds senders cache the policy, 0..=31557600 [default: 604800 for enforce, 86400 otherwise]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the policy to FILE (atomically) instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the policy to FILE (atomically) instead of standard output')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Controls when to use color')
            [CompletionResult]::new('--list-providers', '--list-providers', [CompletionResultType]::ParameterName, 'Print the providers --provider knows (names, mx lines, their documentation) and exit')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'With --list-providers: one JSON document instead of text')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing --output file whose content differs')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mtasts;lint' {
            [CompletionResult]::new('--record', '--record', [CompletionResultType]::ParameterName, 'Check a _mta-sts TXT record value instead, e.g. ''v=STSv1; id=20261128195300Z''')
            [CompletionResult]::new('--tlsrpt', '--tlsrpt', [CompletionResultType]::ParameterName, 'Check a _smtp._tls TXT record value instead, e.g. ''v=TLSRPTv1; rua=mailto:tlsrpt@contoso.com''')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'The policy''s domain, to warn about an mx wildcard over the whole domain')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Controls when to use color')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of the diagnostics')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mtasts;check' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read more domains from FILE, one per line, ''#'' comments (''-'' for standard input)')
            [CompletionResult]::new('--resolver', '--resolver', [CompletionResultType]::ParameterName, 'Send every DNS query to this server only, ADDR or ADDR:PORT ([v6]:PORT)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file too (policy HTTPS and SMTP STARTTLS)')
            [CompletionResult]::new('--trust-anchor', '--trust-anchor', [CompletionResultType]::ParameterName, 'Validate DNSSEC (for the DANE checks) from the DS or DNSKEY records in FILE, in zone-file syntax, instead of the root''s keys')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound of each network operation, in seconds')
            [CompletionResult]::new('--expiry-warn', '--expiry-warn', [CompletionResultType]::ParameterName, 'Warn when a certificate (policy host or MX host) expires within DAYS; 0 turns it off')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Check only part K of N of the domains (K from 0 to N-1), split by a stable hash of each name')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many domains to check at once')
            [CompletionResult]::new('--per-address', '--per-address', [CompletionResultType]::ParameterName, 'At most N connections open to one IP address at a time (SMTP and HTTPS together)')
            [CompletionResult]::new('--domain-timeout', '--domain-timeout', [CompletionResultType]::ParameterName, 'Bound of all of one domain''s checks, in seconds: what is unfinished then fails as timed out')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Reach HOST:PORT at ADDR:PORT instead, keeping HOST as the TLS name (curl''s convention; repeatable)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Remember each domain''s id and policy digest in DIR, and fail when the policy changed but the id did not')
            [CompletionResult]::new('--policy-port', '--policy-port', [CompletionResultType]::ParameterName, 'Port of the policy host (for test setups; senders always use 443)')
            [CompletionResult]::new('--smtp-port', '--smtp-port', [CompletionResultType]::ParameterName, 'Port of the MX hosts (for test setups; senders always use 25)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Controls when to use color')
            [CompletionResult]::new('--list-checks', '--list-checks', [CompletionResultType]::ParameterName, 'Print the catalogue of checks (id, scope, what each verifies) and exit')
            [CompletionResult]::new('--no-smtp', '--no-smtp', [CompletionResultType]::ParameterName, 'Skip the SMTP probes of the MX hosts (reported as skip)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of the report')
            [CompletionResult]::new('--jsonl', '--jsonl', [CompletionResultType]::ParameterName, 'Print one JSON object per line, a domain each as it completes, with its input position')
            [CompletionResult]::new('--csv', '--csv', [CompletionResultType]::ParameterName, 'Print a CSV header, then one row per domain as it completes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'With several domains, show every check of each, not only its warnings and failures')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'With several domains, show every check of each, not only its warnings and failures')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mtasts;init' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory to write [default: mta-sts-DOMAIN]')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Policy mode to start with')
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'Seconds senders cache the policy [default: 604800 for enforce, 86400 otherwise]')
            [CompletionResult]::new('--rua', '--rua', [CompletionResultType]::ParameterName, 'Where TLS reports go (repeatable) [default: mailto:tlsrpt@DOMAIN]')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Hosting artifacts to generate (repeatable)')
            [CompletionResult]::new('--mx', '--mx', [CompletionResultType]::ParameterName, 'Use these mx patterns instead of deriving them from the live MX records (repeatable)')
            [CompletionResult]::new('--resolver', '--resolver', [CompletionResultType]::ParameterName, 'Send every DNS query to this server only, ADDR or ADDR:PORT')
            [CompletionResult]::new('--trust-anchor', '--trust-anchor', [CompletionResultType]::ParameterName, 'Validate DNSSEC (whether the MX records are signed, for the DANE steps) from the DS or DNSKEY records in FILE, instead of the root''s keys')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound of each DNS query, in seconds')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Certificate chain (PEM) path written into nginx/Caddy/Apache configurations')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (PEM) path written into nginx/Caddy/Apache configurations')
            [CompletionResult]::new('--webroot', '--webroot', [CompletionResultType]::ParameterName, 'Document root holding .well-known/mta-sts.txt [default: /var/www/mta-sts.DOMAIN]')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Listen on ADDR:PORT or PORT instead of 443 (nginx, Caddy, Apache)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Controls when to use color')
            [CompletionResult]::new('--allow-uncovered', '--allow-uncovered', [CompletionResultType]::ParameterName, 'Write the policy even if a live MX host is not covered by any pattern')
            [CompletionResult]::new('--classic', '--classic', [CompletionResultType]::ParameterName, 'Cloudflare Worker: use the classic addEventListener(''fetch'', …) syntax')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mtasts;gen-hosting' {
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'The mail domain (the policy host is mta-sts.DOMAIN)')
            [CompletionResult]::new('--policy-file', '--policy-file', [CompletionResultType]::ParameterName, 'Serve this existing policy file instead of one built from --mode/--mx')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Policy mode')
            [CompletionResult]::new('--mx', '--mx', [CompletionResultType]::ParameterName, 'An MX host or ''*.''-wildcard the policy allows (repeatable); IDN names are converted to A-labels')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Add the mx lines a hosted mail provider documents (repeatable; mtasts gen-policy --list-providers names them)')
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'Seconds senders cache the policy, 0..=31557600 [default: 604800 for enforce, 86400 otherwise]')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Certificate chain (PEM) path written into nginx/Caddy/Apache configurations')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (PEM) path written into nginx/Caddy/Apache configurations')
            [CompletionResult]::new('--webroot', '--webroot', [CompletionResultType]::ParameterName, 'Document root holding .well-known/mta-sts.txt [default: /var/www/mta-sts.DOMAIN]')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Listen on ADDR:PORT or PORT instead of 443 (nginx, Caddy, Apache)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the files under DIR instead of printing them')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Controls when to use color')
            [CompletionResult]::new('--classic', '--classic', [CompletionResultType]::ParameterName, 'Cloudflare Worker: use the classic addEventListener(''fetch'', …) syntax')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace files under --out whose content differs')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mtasts;promote' {
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'max_age of the enforced policy, at least a week is recommended [default: 1209600]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Controls when to use color')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mtasts;retire' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Controls when to use color')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mtasts;report' {
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Only this policy domain')
            [CompletionResult]::new('--min-reporters', '--min-reporters', [CompletionResultType]::ParameterName, 'Reporting organisations that must have reported sessions under the current policy')
            [CompletionResult]::new('--min-days', '--min-days', [CompletionResultType]::ParameterName, 'Days with sessions under the current policy')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only reports from this day on (YYYY-MM-DD): judge from the day a problem was fixed')
            [CompletionResult]::new('--html', '--html', [CompletionResultType]::ParameterName, 'Also write the report as one self-contained HTML page to FILE (atomically)')
            [CompletionResult]::new('--resolver', '--resolver', [CompletionResultType]::ParameterName, 'Look DKIM keys up at this server only, ADDR or ADDR:PORT ([v6]:PORT)')
            [CompletionResult]::new('--imap-password-file', '--imap-password-file', [CompletionResultType]::ParameterName, 'The IMAP password is the first line of FILE (otherwise $MTASTS_IMAP_PASSWORD)')
            [CompletionResult]::new('--imap-move-to', '--imap-move-to', [CompletionResultType]::ParameterName, 'After the summary, move the IMAP messages read as reports to FOLDER (the mailbox is otherwise left as it was)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file too (for the IMAP server)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound of each network step, in seconds: a DNS query for a DKIM key, an IMAP command')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Controls when to use color')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of the summary')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing --html file whose content differs')
            [CompletionResult]::new('--trust-unsigned', '--trust-unsigned', [CompletionResultType]::ParameterName, 'Count reports from mail without checking their DKIM signature (for mail a system you trust verified on arrival)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mtasts;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Controls when to use color')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mtasts;help' {
            [CompletionResult]::new('gen-record', 'gen-record', [CompletionResultType]::ParameterValue, 'Print the _mta-sts TXT record (v=STSv1; id=…) with a fresh id')
            [CompletionResult]::new('gen-tlsrpt', 'gen-tlsrpt', [CompletionResultType]::ParameterValue, 'Print the _smtp._tls TXT record (v=TLSRPTv1; rua=…)')
            [CompletionResult]::new('gen-tlsa', 'gen-tlsa', [CompletionResultType]::ParameterValue, 'Print the _25._tcp TLSA record (DANE, RFC 7672) of an MX host''s certificate')
            [CompletionResult]::new('gen-policy', 'gen-policy', [CompletionResultType]::ParameterValue, 'Render a policy file (.well-known/mta-sts.txt)')
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, 'Validate a local policy file or a TXT record value')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Verify a live deployment (DNS, HTTPS policy, SMTP STARTTLS) as a sending MTA would')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write everything a domain must publish: policy, DNS records, hosting, checklist')
            [CompletionResult]::new('gen-hosting', 'gen-hosting', [CompletionResultType]::ParameterValue, 'Render the policy as a deployable artifact for a web host or serverless platform')
            [CompletionResult]::new('promote', 'promote', [CompletionResultType]::ParameterValue, 'Switch an init directory from testing to enforce, with a longer max_age and a new id')
            [CompletionResult]::new('retire', 'retire', [CompletionResultType]::ParameterValue, 'Withdraw MTA-STS safely: mode none, a short max_age, a new id (RFC 8461 §8.3)')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Summarise TLS-RPT reports and say whether it is safe to enforce')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mtasts;help;gen-record' {
            break
        }
        'mtasts;help;gen-tlsrpt' {
            break
        }
        'mtasts;help;gen-tlsa' {
            break
        }
        'mtasts;help;gen-policy' {
            break
        }
        'mtasts;help;lint' {
            break
        }
        'mtasts;help;check' {
            break
        }
        'mtasts;help;init' {
            break
        }
        'mtasts;help;gen-hosting' {
            break
        }
        'mtasts;help;promote' {
            break
        }
        'mtasts;help;retire' {
            break
        }
        'mtasts;help;report' {
            break
        }
        'mtasts;help;completions' {
            break
        }
        'mtasts;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
