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
complete -c mtasts -n "__fish_mtasts_needs_command" -f -a "gen-policy" -d 'Render a policy file (.well-known/mta-sts.txt)'
complete -c mtasts -n "__fish_mtasts_needs_command" -f -a "lint" -d 'Validate a local policy file or a TXT record value'
complete -c mtasts -n "__fish_mtasts_needs_command" -f -a "check" -d 'Verify a live deployment (DNS, HTTPS policy, SMTP STARTTLS) as a sending MTA would'
complete -c mtasts -n "__fish_mtasts_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c mtasts -n "__fish_mtasts_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-record" -l domain -d 'The mail domain the record is for (shows the owner name _mta-sts.DOMAIN)' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-record" -l id -d 'The id to publish: 1-32 letters or digits [default: the UTC time, e.g. 20261128195300Z]' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-record" -l format -r -f -a "txt\t'The TXT value alone (plus the owner name on its own line with --domain)'
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
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-tlsrpt" -l format -r -f -a "txt\t'The TXT value alone (plus the owner name on its own line with --domain)'
zone\t'A BIND zone-file line'
powershell\t'The Windows DNS Server PowerShell command'
json\t'A JSON object with name, type and value'"
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-tlsrpt" -l ttl -d 'TTL for --format zone' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-tlsrpt" -l color -d 'Controls when to use color' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-tlsrpt" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-tlsrpt" -s V -l version -d 'Print version'
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-policy" -l mode -d 'Policy mode' -r -f -a "enforce\t''
testing\t''
none\t''"
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-policy" -l mx -d 'An MX host or \'*.\'-wildcard the policy allows (repeatable); IDN names are converted to A-labels' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-policy" -l provider -d 'Add the MX pattern a hosted mail provider documents (repeatable)' -r -f -a "microsoft365\t'Microsoft 365 / Exchange Online: *.mail.protection.outlook.com'"
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-policy" -l max-age -d 'Seconds senders cache the policy, 0..=31557600 [default: 604800 for enforce, 86400 otherwise]' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-policy" -s o -l output -d 'Write the policy to FILE (atomically) instead of standard output' -r -F
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-policy" -l color -d 'Controls when to use color' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-policy" -l force -d 'Replace an existing --output file whose content differs'
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-policy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mtasts -n "__fish_mtasts_using_subcommand gen-policy" -s V -l version -d 'Print version'
complete -c mtasts -n "__fish_mtasts_using_subcommand lint" -l record -d 'Check a _mta-sts TXT record value instead, e.g. \'v=STSv1; id=20261128195300Z\'' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand lint" -l tlsrpt -d 'Check a _smtp._tls TXT record value instead, e.g. \'v=TLSRPTv1; rua=mailto:tlsrpt@contoso.com\'' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand lint" -l domain -d 'The policy\'s domain, to warn about an mx wildcard over the whole domain' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand lint" -l color -d 'Controls when to use color' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mtasts -n "__fish_mtasts_using_subcommand lint" -s h -l help -d 'Print help'
complete -c mtasts -n "__fish_mtasts_using_subcommand lint" -s V -l version -d 'Print version'
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l file -d 'Read more domains from FILE, one per line, \'#\' comments (\'-\' for standard input)' -r -F
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l resolver -d 'Send every DNS query to this server only, ADDR or ADDR:PORT ([v6]:PORT)' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l ca-file -d 'Trust the CA certificates in this PEM file too (policy HTTPS and SMTP STARTTLS)' -r -F
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l timeout -d 'Bound of each network operation, in seconds' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l concurrency -d 'How many domains to check at once' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l connect-to -d 'Reach HOST:PORT at ADDR:PORT instead, keeping HOST as the TLS name (curl\'s convention; repeatable)' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l policy-port -d 'Port of the policy host (for test setups; senders always use 443)' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l smtp-port -d 'Port of the MX hosts (for test setups; senders always use 25)' -r
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l color -d 'Controls when to use color' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l no-smtp -d 'Skip the SMTP probes of the MX hosts (reported as skip)'
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -l json -d 'Print one JSON document on stdout instead of the report'
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -s h -l help -d 'Print help'
complete -c mtasts -n "__fish_mtasts_using_subcommand check" -s V -l version -d 'Print version'
complete -c mtasts -n "__fish_mtasts_using_subcommand completions" -l color -d 'Controls when to use color' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mtasts -n "__fish_mtasts_using_subcommand completions" -s h -l help -d 'Print help'
complete -c mtasts -n "__fish_mtasts_using_subcommand completions" -s V -l version -d 'Print version'
complete -c mtasts -n "__fish_mtasts_using_subcommand help; and not __fish_seen_subcommand_from gen-record gen-tlsrpt gen-policy lint check completions help" -f -a "gen-record" -d 'Print the _mta-sts TXT record (v=STSv1; id=…) with a fresh id'
complete -c mtasts -n "__fish_mtasts_using_subcommand help; and not __fish_seen_subcommand_from gen-record gen-tlsrpt gen-policy lint check completions help" -f -a "gen-tlsrpt" -d 'Print the _smtp._tls TXT record (v=TLSRPTv1; rua=…)'
complete -c mtasts -n "__fish_mtasts_using_subcommand help; and not __fish_seen_subcommand_from gen-record gen-tlsrpt gen-policy lint check completions help" -f -a "gen-policy" -d 'Render a policy file (.well-known/mta-sts.txt)'
complete -c mtasts -n "__fish_mtasts_using_subcommand help; and not __fish_seen_subcommand_from gen-record gen-tlsrpt gen-policy lint check completions help" -f -a "lint" -d 'Validate a local policy file or a TXT record value'
complete -c mtasts -n "__fish_mtasts_using_subcommand help; and not __fish_seen_subcommand_from gen-record gen-tlsrpt gen-policy lint check completions help" -f -a "check" -d 'Verify a live deployment (DNS, HTTPS policy, SMTP STARTTLS) as a sending MTA would'
complete -c mtasts -n "__fish_mtasts_using_subcommand help; and not __fish_seen_subcommand_from gen-record gen-tlsrpt gen-policy lint check completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c mtasts -n "__fish_mtasts_using_subcommand help; and not __fish_seen_subcommand_from gen-record gen-tlsrpt gen-policy lint check completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
