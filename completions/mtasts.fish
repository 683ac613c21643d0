# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_mtasts_global_optspecs
    string join \n color= h/help V/version
end

function __fish_mtasts_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_mtasts_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_mtasts_using_subcommand
    set -l cmd (__fish_mtasts_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c mtasts -n "__fish_mtasts_needs_command" -l color -d 'Controls when to use color' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mtasts -n "__fish_mtasts_needs_command" -s h -l help -d 'Print help'
complete -c mtasts -n "__fish_mtasts_needs_command" -s V -l version -d 'Print version'
complete -c mtasts -n "__fish_mtasts_needs_command" -f -a "gen-record" -d 'Print the _mta-sts TXT record (v=STSv1; id=…) with a fresh id'
complete -c mtasts -n "__fish_mtasts_needs_command" -f -a "gen-tlsrpt" -d 'Print the _smtp._tls TXT record (v=TLSRPTv1; rua=…)'
complete -c mtasts -n "__fish_mtasts_needs_command" -f -a "gen-tlsa" -d 'Print the _25._tcp TLSA record (DANE, RFC 7672) of an MX host\'s certificate'
complete -c mtasts -n "__fish_mtasts_needs_command" -f -a "gen-policy" -d 'Render a policy file (.well-known/mta-sts.txt)'
complete -c mtasts -n "__fish_mtasts_needs_command" -f -a "lint" -d 'Validate a local policy file or a TXT record value'
complete -c mtasts -n "__fish_mtasts_needs_command" -f -a "check" -d 'Verify a live deployment (DNS, HTTPS policy, SMTP STARTTLS) as a sending MTA would'
complete -c mtasts -n "__fish_mtasts_needs_command" -f -a "init" -d 'Write everything a domain must publish: policy, DNS records, hosting, checklist'
complete -c mtasts -n "__fish_mtasts_needs_command" -f -a "gen-hosting" -d 'Render the policy as a deployable artifact for a web host or serverless platform'
complete -c mtasts -n "__fish_mtasts_needs_command" -f -a "promote" -d 'Switch an init directory from testing to enforce, with a longer max_age and a new id'
complete -c mtasts -n "__fish_mtasts_needs_command" -f -a "retire" -d 'Withdraw MTA-STS safely: mode none, a short max_age, a new id (RFC 8461 §8.3)'
complete -c mtasts -n "__fish_mtasts_needs_command" -f -a "report" -d 'Summarise TLS-RPT reports and say whether it is safe to enforce'
complete -c mtasts -n "__fish_mtasts_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c mtasts -n "__fish_mtasts_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-record" -l domain -d 'The mail domain the record is for (shows the owner name _mta-sts.DOMAIN)' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-record" -l id -d 'The id to publish: 1-32 letters or digits [default: the UTC time, e.g. 20261128195300Z]' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-record" -l format -r -f -a "txt\t'Plain text: the record\'s value (with its owner name, when known)'
zone\t'A BIND zone-file line'
powershell\t'The Windows DNS Server PowerShell command'
json\t'A JSON object with name, type and value'"
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-record" -l ttl -d 'TTL for --format zone' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-record" -l color -d 'Controls when to use color' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-record" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-record" -s V -l version -d 'Print version'
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-tlsrpt" -l rua -d 'Where reports go: mailto:ADDRESS or https://URL (repeatable)' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-tlsrpt" -l domain -d 'The mail domain the record is for (shows the owner name _smtp._tls.DOMAIN)' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-tlsrpt" -l format -r -f -a "txt\t'Plain text: the record\'s value (with its owner name, when known)'
zone\t'A BIND zone-file line'
powershell\t'The Windows DNS Server PowerShell command'
json\t'A JSON object with name, type and value'"
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-tlsrpt" -l ttl -d 'TTL for --format zone' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-tlsrpt" -l color -d 'Controls when to use color' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-tlsrpt" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-tlsrpt" -s V -l version -d 'Print version'
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-tlsa" -l cert -d 'The certificate the MX host serves, in PEM: its full chain for --usage 2' -r -F
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-tlsa" -l host -d 'The MX host the certificate is for (the record\'s owner is _25._tcp.HOST)' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-tlsa" -l usage -d '3: DANE-EE, the server\'s own certificate or key; 2: DANE-TA, its issuer' -r -f -a "3\t''
2\t''"
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-tlsa" -l selector -d '1: the public key (SPKI), unchanged by a renewal with the same key; 0: the whole certificate' -r -f -a "1\t''
0\t''"
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-tlsa" -l matching -d '1: SHA-256; 2: SHA-512; 0: the selected bytes in full' -r -f -a "1\t''
2\t''
0\t''"
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-tlsa" -l next-cert -d 'The certificate to switch to: print both records and the steps of the key change' -r -F
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-tlsa" -l zone -d 'The DNS zone holding the host\'s name, for --format powershell [default: the host\'s parent domain]' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-tlsa" -l format -r -f -a "txt\t'Plain text: the record\'s value (with its owner name, when known)'
zone\t'A BIND zone-file line'
powershell\t'The Windows DNS Server PowerShell command'
json\t'A JSON object with name, type and value'"
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-tlsa" -l ttl -d 'TTL for --format zone and json, and the wait of a key change' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-tlsa" -l color -d 'Controls when to use color' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-tlsa" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-tlsa" -s V -l version -d 'Print version'
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-policy" -l mode -d 'Policy mode' -r -f -a "enforce\t''
testing\t''
none\t''"
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-policy" -l mx -d 'An MX host or \'*.\'-wildcard the policy allows (repeatable); IDN names are converted to A-labels' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-policy" -l provider -d 'Add the mx lines a hosted mail provider documents (repeatable; mtasts gen-policy --list-providers names them)' -r -f -a "microsoft365\t'Microsoft 365 / Exchange Online'
google-workspace\t'Google Workspace'
google-workspace-legacy\t'Google Workspace, older ASPMX set'
fastmail\t'Fastmail'
proton-mail\t'Proton Mail'
zoho\t'Zoho Mail, zoho.com data centre'
zoho-eu\t'Zoho Mail, zoho.eu data centre'
zoho-in\t'Zoho Mail, zoho.in data centre'
zoho-au\t'Zoho Mail, zoho.com.au data centre'
zoho-jp\t'Zoho Mail, zoho.jp data centre'
zoho-ca\t'Zoho Mail, zohocloud.ca data centre'
icloud-mail\t'iCloud Mail'
workmail-us-east-1\t'Amazon WorkMail / SES inbound, US East (N. Virginia)'
workmail-us-west-2\t'Amazon WorkMail / SES inbound, US West (Oregon)'
workmail-eu-west-1\t'Amazon WorkMail / SES inbound, EU (Ireland)'"
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-policy" -l max-age -d 'Seconds senders cache the policy, 0..=31557600 [default: 604800 for enforce, 86400 otherwise]' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-policy" -s o -l output -d 'Write the policy to FILE (atomically) instead of standard output' -r -F
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-policy" -l color -d 'Controls when to use color' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-policy" -l list-providers -d 'Print the providers --provider knows (names, mx lines, their documentation) and exit'
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-policy" -l json -d 'With --list-providers: one JSON document instead of text'
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-policy" -l force -d 'Replace an existing --output file whose content differs'
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-policy" -s h -l help -d 'Print help'
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-policy" -s V -l version -d 'Print version'
complete -c mtasts -n "__fish_mtasts_using_subcommand lint" -l record -d 'Check a _mta-sts TXT record value instead, e.g. \'v=STSv1; id=20261128195300Z\'' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand lint" -l tlsrpt -d 'Check a _smtp._tls TXT record value instead, e.g. \'v=TLSRPTv1; rua=mailto:tlsrpt@contoso.com\'' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand lint" -l domain -d 'The policy\'s domain, to warn about an mx wildcard over the whole domain' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand lint" -l color -d 'Controls when to use color' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mtasts -n "__fish_mtasts_using_subcommand lint" -l json -d 'Print one JSON document on stdout instead of the diagnostics'
complete -c mtasts -n "__fish_mtasts_using_subcommand lint" -s h -l help -d 'Print help'
complete -c mtasts -n "__fish_mtasts_using_subcommand lint" -s V -l version -d 'Print version'
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l file -d 'Read more domains from FILE, one per line, \'#\' comments (\'-\' for standard input)' -r -F
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l resolver -d 'Send every DNS query to this server only, ADDR or ADDR:PORT ([v6]:PORT)' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l ca-file -d 'Trust the CA certificates in this PEM file too (policy HTTPS and SMTP STARTTLS)' -r -F
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l trust-anchor -d 'Validate DNSSEC (for the DANE checks) from the DS or DNSKEY records in FILE, in zone-file syntax, instead of the root\'s keys' -r -F
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l timeout -d 'Bound of each network operation, in seconds' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l expiry-warn -d 'Warn when a certificate (policy host or MX host) expires within DAYS; 0 turns it off' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l shard -d 'Check only part K of N of the domains (K from 0 to N-1), split by a stable hash of each name' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l concurrency -d 'How many domains to check at once' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l per-address -d 'At most N connections open to one IP address at a time (SMTP and HTTPS together)' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l domain-timeout -d 'Bound of all of one domain\'s checks, in seconds: what is unfinished then fails as timed out' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l connect-to -d 'Reach HOST:PORT at ADDR:PORT instead, keeping HOST as the TLS name (curl\'s convention; repeatable)' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l state -d 'Remember each domain\'s id and policy digest in DIR, and fail when the policy changed but the id did not' -r -F
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l policy-port -d 'Port of the policy host (for test setups; senders always use 443)' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l smtp-port -d 'Port of the MX hosts (for test setups; senders always use 25)' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l color -d 'Controls when to use color' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l list-checks -d 'Print the catalogue of checks (id, scope, what each verifies) and exit'
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l no-smtp -d 'Skip the SMTP probes of the MX hosts (reported as skip)'
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l json -d 'Print one JSON document on stdout instead of the report'
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l jsonl -d 'Print one JSON object per line, a domain each as it completes, with its input position'
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l csv -d 'Print a CSV header, then one row per domain as it completes'
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -s v -l verbose -d 'With several domains, show every check of each, not only its warnings and failures'
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -s h -l help -d 'Print help'
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -s V -l version -d 'Print version'
complete -c mtasts -n "__fish_mtasts_using_subcommand init" -l out -d 'Directory to write [default: mta-sts-DOMAIN]' -r -F
complete -c mtasts -n "__fish_mtasts_using_subcommand init" -l mode -d 'Policy mode to start with' -r -f -a "enforce\t''
testing\t''
none\t''"
complete -c mtasts -n "__fish_mtasts_using_subcommand init" -l max-age -d 'Seconds senders cache the policy [default: 604800 for enforce, 86400 otherwise]' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand init" -l rua -d 'Where TLS reports go (repeatable) [default: mailto:tlsrpt@DOMAIN]' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand init" -l host -d 'Hosting artifacts to generate (repeatable)' -r -f -a "cloudflare-worker\t'A Cloudflare Worker (module syntax; --classic for addEventListener)'
nginx\t'An nginx server block'
caddy\t'A Caddyfile site'
apache\t'An Apache httpd virtual host'
iis\t'IIS: web.config with a text/plain MIME map, and the file'
github-pages\t'A GitHub Pages repository tree (built by Jekyll)'
azure-function\t'An HTTP-triggered Azure Function (Node.js)'
static\t'The bare tree: .well-known/mta-sts.txt'"
complete -c mtasts -n "__fish_mtasts_using_subcommand init" -l mx -d 'Use these mx patterns instead of deriving them from the live MX records (repeatable)' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand init" -l resolver -d 'Send every DNS query to this server only, ADDR or ADDR:PORT' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand init" -l trust-anchor -d 'Validate DNSSEC (whether the MX records are signed, for the DANE steps) from the DS or DNSKEY records in FILE, instead of the root\'s keys' -r -F
complete -c mtasts -n "__fish_mtasts_using_subcommand init" -l timeout -d 'Bound of each DNS query, in seconds' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand init" -l cert -d 'Certificate chain (PEM) path written into nginx/Caddy/Apache configurations' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand init" -l key -d 'Private key (PEM) path written into nginx/Caddy/Apache configurations' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand init" -l webroot -d 'Document root holding .well-known/mta-sts.txt [default: /var/www/mta-sts.DOMAIN]' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand init" -l listen -d 'Listen on ADDR:PORT or PORT instead of 443 (nginx, Caddy, Apache)' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand init" -l color -d 'Controls when to use color' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mtasts -n "__fish_mtasts_using_subcommand init" -l allow-uncovered -d 'Write the policy even if a live MX host is not covered by any pattern'
complete -c mtasts -n "__fish_mtasts_using_subcommand init" -l classic -d 'Cloudflare Worker: use the classic addEventListener(\'fetch\', …) syntax'
complete -c mtasts -n "__fish_mtasts_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mtasts -n "__fish_mtasts_using_subcommand init" -s V -l version -d 'Print version'
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-hosting" -l domain -d 'The mail domain (the policy host is mta-sts.DOMAIN)' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-hosting" -l policy-file -d 'Serve this existing policy file instead of one built from --mode/--mx' -r -F
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-hosting" -l mode -d 'Policy mode' -r -f -a "enforce\t''
testing\t''
none\t''"
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-hosting" -l mx -d 'An MX host or \'*.\'-wildcard the policy allows (repeatable); IDN names are converted to A-labels' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-hosting" -l provider -d 'Add the mx lines a hosted mail provider documents (repeatable; mtasts gen-policy --list-providers names them)' -r -f -a "microsoft365\t'Microsoft 365 / Exchange Online'
google-workspace\t'Google Workspace'
google-workspace-legacy\t'Google Workspace, older ASPMX set'
fastmail\t'Fastmail'
proton-mail\t'Proton Mail'
zoho\t'Zoho Mail, zoho.com data centre'
zoho-eu\t'Zoho Mail, zoho.eu data centre'
zoho-in\t'Zoho Mail, zoho.in data centre'
zoho-au\t'Zoho Mail, zoho.com.au data centre'
zoho-jp\t'Zoho Mail, zoho.jp data centre'
zoho-ca\t'Zoho Mail, zohocloud.ca data centre'
icloud-mail\t'iCloud Mail'
workmail-us-east-1\t'Amazon WorkMail / SES inbound, US East (N. Virginia)'
workmail-us-west-2\t'Amazon WorkMail / SES inbound, US West (Oregon)'
workmail-eu-west-1\t'Amazon WorkMail / SES inbound, EU (Ireland)'"
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-hosting" -l max-age -d 'Seconds senders cache the policy, 0..=31557600 [default: 604800 for enforce, 86400 otherwise]' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-hosting" -l cert -d 'Certificate chain (PEM) path written into nginx/Caddy/Apache configurations' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-hosting" -l key -d 'Private key (PEM) path written into nginx/Caddy/Apache configurations' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-hosting" -l webroot -d 'Document root holding .well-known/mta-sts.txt [default: /var/www/mta-sts.DOMAIN]' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-hosting" -l listen -d 'Listen on ADDR:PORT or PORT instead of 443 (nginx, Caddy, Apache)' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-hosting" -l out -d 'Write the files under DIR instead of printing them' -r -F
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-hosting" -l color -d 'Controls when to use color' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-hosting" -l classic -d 'Cloudflare Worker: use the classic addEventListener(\'fetch\', …) syntax'
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-hosting" -l force -d 'Replace files under --out whose content differs'
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-hosting" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-hosting" -s V -l version -d 'Print version'
complete -c mtasts -n "__fish_mtasts_using_subcommand promote" -l max-age -d 'max_age of the enforced policy, at least a week is recommended [default: 1209600]' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand promote" -l color -d 'Controls when to use color' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mtasts -n "__fish_mtasts_using_subcommand promote" -s h -l help -d 'Print help'
complete -c mtasts -n "__fish_mtasts_using_subcommand promote" -s V -l version -d 'Print version'
complete -c mtasts -n "__fish_mtasts_using_subcommand retire" -l color -d 'Controls when to use color' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mtasts -n "__fish_mtasts_using_subcommand retire" -s h -l help -d 'Print help'
complete -c mtasts -n "__fish_mtasts_using_subcommand retire" -s V -l version -d 'Print version'
complete -c mtasts -n "__fish_mtasts_using_subcommand report" -l domain -d 'Only this policy domain' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand report" -l min-reporters -d 'Reporting organisations that must have reported sessions under the current policy' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand report" -l min-days -d 'Days with sessions under the current policy' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand report" -l since -d 'Only reports from this day on (YYYY-MM-DD): judge from the day a problem was fixed' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand report" -l html -d 'Also write the report as one self-contained HTML page to FILE (atomically)' -r -F
complete -c mtasts -n "__fish_mtasts_using_subcommand report" -l resolver -d 'Look DKIM keys up at this server only, ADDR or ADDR:PORT ([v6]:PORT)' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand report" -l imap-password-file -d 'The IMAP password is the first line of FILE (otherwise $MTASTS_IMAP_PASSWORD)' -r -F
complete -c mtasts -n "__fish_mtasts_using_subcommand report" -l imap-move-to -d 'After the summary, move the IMAP messages read as reports to FOLDER (the mailbox is otherwise left as it was)' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand report" -l ca-file -d 'Trust the CA certificates in this PEM file too (for the IMAP server)' -r -F
complete -c mtasts -n "__fish_mtasts_using_subcommand report" -l timeout -d 'Bound of each network step, in seconds: a DNS query for a DKIM key, an IMAP command' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand report" -l color -d 'Controls when to use color' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mtasts -n "__fish_mtasts_using_subcommand report" -l json -d 'Print one JSON document instead of the summary'
complete -c mtasts -n "__fish_mtasts_using_subcommand report" -l force -d 'Replace an existing --html file whose content differs'
complete -c mtasts -n "__fish_mtasts_using_subcommand report" -l trust-unsigned -d 'Count reports from mail without checking their DKIM signature (for mail a system you trust verified on arrival)'
complete -c mtasts -n "__fish_mtasts_using_subcommand report" -s h -l help -d 'Print help'
complete -c mtasts -n "__fish_mtasts_using_subcommand report" -s V -l version -d 'Print version'
complete -c mtasts -n "__fish_mtasts_using_subcommand completions" -l color -d 'Controls when to use color' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mtasts -n "__fish_mtasts_using_subcommand completions" -s h -l help -d 'Print help'
complete -c mtasts -n "__fish_mtasts_using_subcommand completions" -s V -l version -d 'Print version'
complete -c mtasts -n "__fish_mtasts_using_subcommand help; and not __fish_seen_subcommand_from gen-record gen-tlsrpt gen-tlsa gen-policy lint check init gen-hosting promote retire report completions help" -f -a "gen-record" -d 'Print the _mta-sts TXT record (v=STSv1; id=…) with a fresh id'
complete -c mtasts -n "__fish_mtasts_using_subcommand help; and not __fish_seen_subcommand_from gen-record gen-tlsrpt gen-tlsa gen-policy lint check init gen-hosting promote retire report completions help" -f -a "gen-tlsrpt" -d 'Print the _smtp._tls TXT record (v=TLSRPTv1; rua=…)'
complete -c mtasts -n "__fish_mtasts_using_subcommand help; and not __fish_seen_subcommand_from gen-record gen-tlsrpt gen-tlsa gen-policy lint check init gen-hosting promote retire report completions help" -f -a "gen-tlsa" -d 'Print the _25._tcp TLSA record (DANE, RFC 7672) of an MX host\'s certificate'
complete -c mtasts -n "__fish_mtasts_using_subcommand help; and not __fish_seen_subcommand_from gen-record gen-tlsrpt gen-tlsa gen-policy lint check init gen-hosting promote retire report completions help" -f -a "gen-policy" -d 'Render a policy file (.well-known/mta-sts.txt)'
complete -c mtasts -n "__fish_mtasts_using_subcommand help; and not __fish_seen_subcommand_from gen-record gen-tlsrpt gen-tlsa gen-policy lint check init gen-hosting promote retire report completions help" -f -a "lint" -d 'Validate a local policy file or a TXT record value'
complete -c mtasts -n "__fish_mtasts_using_subcommand help; and not __fish_seen_subcommand_from gen-record gen-tlsrpt gen-tlsa gen-policy lint check init gen-hosting promote retire report completions help" -f -a "check" -d 'Verify a live deployment (DNS, HTTPS policy, SMTP STARTTLS) as a sending MTA would'
complete -c mtasts -n "__fish_mtasts_using_subcommand help; and not __fish_seen_subcommand_from gen-record gen-tlsrpt gen-tlsa gen-policy lint check init gen-hosting promote retire report completions help" -f -a "init" -d 'Write everything a domain must publish: policy, DNS records, hosting, checklist'
complete -c mtasts -n "__fish_mtasts_using_subcommand help; and not __fish_seen_subcommand_from gen-record gen-tlsrpt gen-tlsa gen-policy lint check init gen-hosting promote retire report completions help" -f -a "gen-hosting" -d 'Render the policy as a deployable artifact for a web host or serverless platform'
complete -c mtasts -n "__fish_mtasts_using_subcommand help; and not __fish_seen_subcommand_from gen-record gen-tlsrpt gen-tlsa gen-policy lint check init gen-hosting promote retire report completions help" -f -a "promote" -d 'Switch an init directory from testing to enforce, with a longer max_age and a new id'
complete -c mtasts -n "__fish_mtasts_using_subcommand help; and not __fish_seen_subcommand_from gen-record gen-tlsrpt gen-tlsa gen-policy lint check init gen-hosting promote retire report completions help" -f -a "retire" -d 'Withdraw MTA-STS safely: mode none, a short max_age, a new id (RFC 8461 §8.3)'
complete -c mtasts -n "__fish_mtasts_using_subcommand help; and not __fish_seen_subcommand_from gen-record gen-tlsrpt gen-tlsa gen-policy lint check init gen-hosting promote retire report completions help" -f -a "report" -d 'Summarise TLS-RPT reports and say whether it is safe to enforce'
complete -c mtasts -n "__fish_mtasts_using_subcommand help; and not __fish_seen_subcommand_from gen-record gen-tlsrpt gen-tlsa gen-policy lint check init gen-hosting promote retire report completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c mtasts -n "__fish_mtasts_using_subcommand help; and not __fish_seen_subcommand_from gen-record gen-tlsrpt gen-tlsa gen-policy lint check init gen-hosting promote retire report completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
