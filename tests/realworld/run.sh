#!/usr/bin/env bash
# Real-world suite for `mtasts` (issue "Prove it against real mail infrastructure").
#
# Builds a complete MTA-STS deployment for example.test out of `mtasts init`
# output — NSD serving the generated records, nginx serving the policy with
# the generated server block, a receiving Postfix as the MX — all inside a
# private network namespace on their real ports. It then checks the domain
# with `mtasts check`, delivers a real message from a second Postfix that
# enforces MTA-STS through postfix-mta-sts-resolver, and breaks one thing at
# a time to see whether `mtasts check` and the enforcing sender agree.
#
# Then DANE (RFC 7672): the zone is signed with ldns-signzone under a signed
# test root, Unbound validates from the DS of the root's key-signing key, and
# a third Postfix with `smtp_tls_security_level = dane` delivers through it;
# `mtasts check --trust-anchor` (the same DS) is compared with what it does.
#
# Usage (as root):  bash tests/realworld/run.sh
#   MTASTS=/path/to/mtasts   use this binary instead of running `cargo build`
#   CARGO_TARGET_DIR         honoured by the build step, as by cargo
#   REALWORLD_SKIP_INSTALL=1 never call apt-get / pip (fail if something is missing)
#   REALWORLD_ONLY=dane      skip the MTA-STS fault rows (happy path and DANE rows only)
# Scratch and logs: target/realworld-run (kept for post-mortem; git-ignored).
# The resolver's venv: target/realworld-venv.
#
# Exit status: 0 when the happy path passes and every disagreement row carries
# an explanation; 1 otherwise; 2 when the environment cannot run the suite.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
VENV=${REALWORLD_VENV:-$ROOT/target/realworld-venv}
RUN=${REALWORLD_RUN:-$ROOT/target/realworld-run}
RESOLVER_PKG="postfix-mta-sts-resolver==1.5.1"

DOMAIN=example.test
DNS_ADDR=127.53.0.1
WEB_ADDR=127.10.0.3
MX_ADDR=127.20.0.1
SND_ADDR=127.30.0.1
UNBOUND_ADDR=127.53.0.2
DANE_ADDR=127.30.0.2
RESOLVER_PORT=8461

log() { printf '== %s\n' "$*" >&2; }
fatal() { printf 'realworld: %s\n' "$*" >&2; exit 2; }

# ---------------------------------------------------------------- outside ---
if [[ "${1:-}" != --inside ]]; then
    [[ $EUID -eq 0 ]] || fatal "must run as root (network namespace, apt-get, Postfix)"
    command -v unshare >/dev/null || fatal "unshare (util-linux) is missing"

    # 1. Debian packages, only when something is missing.
    missing=()
    command -v nsd >/dev/null || missing+=(nsd)
    command -v nginx >/dev/null || missing+=(nginx)
    [[ -x /usr/sbin/postfix ]] || missing+=(postfix)
    command -v openssl >/dev/null || missing+=(openssl)
    command -v ip >/dev/null || missing+=(iproute2)
    command -v ss >/dev/null || missing+=(iproute2)
    command -v ldns-signzone >/dev/null || missing+=(ldnsutils)
    command -v unbound >/dev/null || missing+=(unbound)
    if [[ ! -x "$VENV/bin/mta-sts-daemon" ]]; then
        python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
    fi
    if ((${#missing[@]})); then
        [[ -z "${REALWORLD_SKIP_INSTALL:-}" ]] || fatal "missing packages: ${missing[*]}"
        log "installing Debian packages: ${missing[*]}"
        guard_created=
        if [[ ! -e /usr/sbin/policy-rc.d ]]; then
            # Keep the packages from starting their system services.
            printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
            chmod +x /usr/sbin/policy-rc.d
            guard_created=1
        fi
        apt-get update -qq
        echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null
        [[ -z "$guard_created" ]] || rm -f /usr/sbin/policy-rc.d
    fi

    # 2. postfix-mta-sts-resolver in a venv under target/.
    if [[ ! -x "$VENV/bin/mta-sts-daemon" ]]; then
        [[ -z "${REALWORLD_SKIP_INSTALL:-}" ]] || fatal "missing $VENV/bin/mta-sts-daemon"
        log "installing $RESOLVER_PKG into $VENV"
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install -q --disable-pip-version-check "$RESOLVER_PKG"
    fi

    # 3. The binary under test.
    if [[ -z "${MTASTS:-}" ]]; then
        log "cargo build"
        (cd "$ROOT" && cargo build --quiet --bin mtasts)
        MTASTS="${CARGO_TARGET_DIR:-$ROOT/target}/debug/mtasts"
    fi
    [[ -x "$MTASTS" ]] || fatal "no mtasts binary at $MTASTS"
    MTASTS=$(cd "$(dirname "$MTASTS")" && pwd)/$(basename "$MTASTS")

    # 4. Everything else happens in private namespaces: the script is PID 1
    # there, so every server it starts dies with it; nothing can reach a
    # network other than the namespace's own loopback.
    exec timeout --signal=KILL 600 \
        unshare --net --mount --pid --fork --kill-child --mount-proc \
        "$BASH" "$0" --inside "$MTASTS"
fi

# ----------------------------------------------------------------- inside ---
MTASTS=$2
PY="$VENV/bin/python"
START=$SECONDS

ip link set lo up
ifaces=$(awk -F: 'NR>2 {gsub(/ /,"",$1); print $1}' /proc/net/dev | sort | tr '\n' ' ')
[[ "$ifaces" == "lo " ]] || fatal "namespace has interfaces other than lo: $ifaces"
# All of 127/8 is local, but Postfix insists on seeing its addresses on lo.
ip addr add "$MX_ADDR/32" dev lo
ip addr add "$SND_ADDR/32" dev lo
ip addr add "$DANE_ADDR/32" dev lo

rm -rf "$RUN"
mkdir -p "$RUN"/{tls,dns/keys,web/tmp,web/root,mx/data,mx/mail,snd/data,dane/data,unbound,resolver,init,check,empty}
chmod 755 "$RUN"
chown postfix "$RUN/mx/data" "$RUN/snd/data" "$RUN/dane/data"
chown 65534:65534 "$RUN/mx/mail"

# Programs using the system resolver (Postfix, postfix-mta-sts-resolver) ask NSD.
printf 'nameserver %s\noptions timeout:1 attempts:2\n' "$DNS_ADDR" >"$RUN/resolv.conf"
mount --bind "$RUN/resolv.conf" /etc/resolv.conf
# The DANE sender asks Unbound instead, and trusts its AD bit (glibc drops
# the bit unless told to trust the server).
printf 'nameserver %s\noptions trust-ad timeout:1 attempts:2\n' "$UNBOUND_ADDR" >"$RUN/resolv-unbound.conf"
# The environment may point proxies and trust stores elsewhere.
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy ALL_PROXY all_proxy NO_PROXY no_proxy

DIAG_FILES=("$RUN/dns/nsd.log" "$RUN/web/error.log" "$RUN/web/stderr.log"
    "$RUN/mx/maillog" "$RUN/snd/maillog" "$RUN/resolver/daemon.log"
    "$RUN/unbound/unbound.log" "$RUN/dane/maillog")
diagnose() {
    for f in "${DIAG_FILES[@]}"; do
        [[ -s "$f" ]] || continue
        printf -- '--- last lines of %s\n' "$f" >&2
        tail -n 15 "$f" >&2
    done
}
die() {
    printf 'realworld: FAILED: %s\n' "$*" >&2
    diagnose
    exit 1
}
trap 'rc=$?; if ((rc != 0)); then printf "realworld: error (exit %s) near line %s\n" "$rc" "$LINENO" >&2; diagnose; fi' EXIT

# Wait (up to $3 seconds, default 10) until a command succeeds.
wait_for() {
    local what=$1 cmd=$2 limit=${3:-10} deadline=$((SECONDS + ${3:-10}))
    until eval "$cmd" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || die "$what not ready after ${limit}s"
        sleep 0.1
    done
}
tcp_listening() { [[ -n "$(ss -Hltn "src $1:$2")" ]]; }

render() { # template output [MX_HOST]
    sed -e "s|@RUN@|$RUN|g" -e "s|@DOMAIN@|$DOMAIN|g" -e "s|@DNS_ADDR@|$DNS_ADDR|g" \
        -e "s|@WEB_ADDR@|$WEB_ADDR|g" -e "s|@MX_ADDR@|$MX_ADDR|g" -e "s|@SND_ADDR@|$SND_ADDR|g" \
        -e "s|@UNBOUND_ADDR@|$UNBOUND_ADDR|g" -e "s|@DANE_ADDR@|$DANE_ADDR|g" \
        -e "s|@MX_HOST@|${3:-mx1.$DOMAIN}|g" -e "s|@SERIAL@|${SERIAL:-1}|g" "$HERE/$1" >"$2"
}

# ------------------------------------------------------------ test CA -------
log "test CA (P-256) and leaf certificates"
(
    cd "$RUN/tls"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days 30 \
        -keyout ca.key -out ca.pem -subj "/CN=mtasts realworld test CA" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash" 2>/dev/null
    # "mx1.$DOMAIN.next": mx1's next certificate, on a new key (DANE rollover).
    for file in "mta-sts.$DOMAIN" "mx1.$DOMAIN" "mx2.$DOMAIN" "other.$DOMAIN" "mx1.$DOMAIN.next"; do
        name=${file%.next}
        openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
            -keyout "$file.key" -out "$file.csr" -subj "/CN=$name" 2>/dev/null
        printf '%s\n' "subjectAltName=DNS:$name" "basicConstraints=critical,CA:FALSE" \
            "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" \
            "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" >"$file.ext"
        openssl x509 -req -in "$file.csr" -CA ca.pem -CAkey ca.key -set_serial "0x$(openssl rand -hex 8)" \
            -days 30 -sha256 -extfile "$file.ext" -out "$file.pem" 2>/dev/null
        cat "$file.pem" ca.pem >"$file.chain.pem"
    done
    chmod 644 ./*.pem
)

# --------------------------------------------------------------- servers ----
NSD_PID= NGINX_PID= RESOLVER_PID= UNBOUND_PID=
SERIAL=1

start_nsd() { # zone file already written
    if [[ -n "$NSD_PID" ]]; then kill -TERM "$NSD_PID"; wait "$NSD_PID" || true; fi
    nsd -d -c "$RUN/dns/nsd.conf" 2>>"$RUN/dns/nsd.log" &
    NSD_PID=$!
    # Answers through the system resolver (the bind-mounted resolv.conf) once loaded.
    wait_for "NSD" "getent ahostsv4 ns.$DOMAIN"
}

start_nginx() { # site.conf already written
    nginx -e stderr -p "$RUN/web" -c "$RUN/web/nginx.conf" -t 2>>"$RUN/web/stderr.log" ||
        die "nginx rejects the configuration (see $RUN/web/stderr.log)"
    if [[ -n "$NGINX_PID" ]]; then kill -QUIT "$NGINX_PID"; wait "$NGINX_PID" || true; fi
    nginx -e stderr -p "$RUN/web" -c "$RUN/web/nginx.conf" 2>>"$RUN/web/stderr.log" &
    NGINX_PID=$!
    wait_for "nginx" "tcp_listening $WEB_ADDR 443"
}

postfix_restart() { # config dir [resolv.conf for it]
    local dir=$1 resolv=${2:-}
    if postfix -c "$dir" status >/dev/null 2>&1; then
        postfix -c "$dir" stop >/dev/null 2>&1 || true
        wait_for "postfix stop ($dir)" "! postfix -c $dir status"
    fi
    postsuper -c "$dir" -d ALL >/dev/null 2>&1 || true
    if [[ -n "$resolv" ]]; then
        # Its own mount namespace, where /etc/resolv.conf is $resolv: the
        # master and every process it starts live there.
        unshare --mount "$BASH" -c 'mount --bind "$1" /etc/resolv.conf && postfix -c "$2" start' \
            _ "$resolv" "$dir" >/dev/null 2>&1 || die "postfix -c $dir start failed (see its maillog)"
    else
        postfix -c "$dir" start >/dev/null 2>&1 || die "postfix -c $dir start failed (see its maillog)"
    fi
    wait_for "postfix ($dir)" "postfix -c $dir status"
}

start_resolver() {
    if [[ -n "$RESOLVER_PID" ]]; then kill -TERM "$RESOLVER_PID"; wait "$RESOLVER_PID" || true; fi
    # Its HTTPS trusts only the test CA; its DNS is the bind-mounted resolv.conf.
    SSL_CERT_FILE="$RUN/tls/ca.pem" SSL_CERT_DIR="$RUN/empty" \
        "$VENV/bin/mta-sts-daemon" -c "$RUN/resolver/daemon.yml" -v debug -l "$RUN/resolver/daemon.log" \
        2>>"$RUN/resolver/stderr.log" &
    RESOLVER_PID=$!
    wait_for "mta-sts-daemon" "tcp_listening 127.0.0.1 $RESOLVER_PORT"
}

setup_postfix() { # name template
    local dir="$RUN/$1"
    render "$2" "$dir/main.cf"
    cp /etc/postfix/master.cf "$dir/master.cf"
    # Debian chroots services; a chrooted smtp client cannot read resolv.conf.
    postconf -c "$dir" -F '*/*/chroot = n'
    mkdir -p "$dir/spool"
}

render nsd.conf.in "$RUN/dns/nsd.conf"
render nginx.conf.in "$RUN/web/nginx.conf"
render mta-sts-daemon.yml.in "$RUN/resolver/daemon.yml"
setup_postfix mx postfix-mx.cf.in
setup_postfix snd postfix-sender.cf.in
setup_postfix dane postfix-dane.cf.in
render unbound.conf.in "$RUN/unbound/unbound.conf"

# ------------------------------------------------------- mtasts init --------
# The base zone (SOA, NS, MX, addresses) goes live first, so that init
# derives the policy's mx patterns from the live MX records.
render zone.base.in "$RUN/dns/$DOMAIN.zone"
render zone.root.in "$RUN/dns/root.zone"
start_nsd

log "mtasts init $DOMAIN"
"$MTASTS" init "$DOMAIN" --out "$RUN/init" --mode enforce --rua "mailto:tlsrpt@$DOMAIN" \
    --host nginx --resolver "$DNS_ADDR" --timeout 3 \
    --cert "$RUN/tls/mta-sts.$DOMAIN.chain.pem" --key "$RUN/tls/mta-sts.$DOMAIN.key" \
    --webroot "$RUN/web/root" --listen "$WEB_ADDR:443" >"$RUN/init.out" 2>&1 ||
    die "mtasts init failed: $(cat "$RUN/init.out")"
INIT_RECORDS="$RUN/init/dns/records.zone"
INIT_SITE="$RUN/init/hosting/nginx/mta-sts.$DOMAIN.conf"
for f in "$INIT_RECORDS" "$INIT_SITE" "$RUN/init/hosting/nginx/webroot/.well-known/mta-sts.txt"; do
    [[ -s "$f" ]] || die "mtasts init did not write $f"
done
grep -q "^mx: mx1\.$DOMAIN"$'\r'"\?$" "$RUN/init/.well-known/mta-sts.txt" ||
    die "the generated policy does not list mx1.$DOMAIN: $(cat "$RUN/init/.well-known/mta-sts.txt")"
# CHECKLIST.md: copy webroot/ to the --webroot directory.
cp -r "$RUN/init/hosting/nginx/webroot/." "$RUN/web/root/"

# ------------------------------------------------------------- the world ----
# world FAULT: (re)build every server from the init output, with at most one
# thing broken. "none" is the intended deployment.
world() {
    local fault=$1 mx_host="mx1.$DOMAIN" mx_cert="mx1.$DOMAIN" mx_tls=may zone="$RUN/dns/$DOMAIN.zone"
    case $fault in
        mx.match) mx_host="mx2.$DOMAIN" mx_cert="mx2.$DOMAIN" ;;
        smtp.certificate) mx_cert="other.$DOMAIN" ;;
        smtp.starttls) mx_tls=none ;;
    esac

    # DNS: base zone + dns/records.zone verbatim (or a faulty copy).
    SERIAL=$((SERIAL + 1))
    render zone.base.in "$zone" "$mx_host"
    case $fault in
        record.unique)
            # A second record, as when a new one is added without removing the old.
            cat "$INIT_RECORDS" >>"$zone"
            printf '_mta-sts.%s. 3600 IN TXT "v=STSv1; id=20200101000000Z"\n' "$DOMAIN" >>"$zone" ;;
        record.syntax)
            sed -E '/^_mta-sts\./s/id=[^;" ]+/id=2024-01-01/' "$INIT_RECORDS" >>"$zone"
            grep -q 'id=2024-01-01' "$zone" || die "could not break the _mta-sts record" ;;
        *) cat "$INIT_RECORDS" >>"$zone" ;;
    esac
    start_nsd

    # Web: the generated server block (or a faulty copy).
    cp "$INIT_SITE" "$RUN/web/site.conf"
    case $fault in
        policy.content_type)
            sed -i -E 's|default_type .*$|default_type "text/html";|' "$RUN/web/site.conf"
            grep -q 'default_type "text/html"' "$RUN/web/site.conf" || die "could not break the content type" ;;
        policy.http)
            # Redirect to a URL that serves the very same policy: a sender that
            # followed redirects would find a valid policy there.
            sed -i -E 's|try_files \$uri =404;|return 301 https://mta-sts.'"$DOMAIN"'/policy/mta-sts.txt;|' "$RUN/web/site.conf"
            sed -i -E 's|^(\s*)location / \{|\1location = /policy/mta-sts.txt { types { } default_type text/plain; alias '"$RUN"'/web/root/.well-known/mta-sts.txt; }\n\1location / {|' "$RUN/web/site.conf"
            grep -q 'return 301' "$RUN/web/site.conf" || die "could not add the redirect" ;;
    esac
    start_nginx

    # Receiving Postfix.
    postconf -c "$RUN/mx" -e "smtpd_tls_security_level = $mx_tls" \
        "smtpd_tls_cert_file = $RUN/tls/$mx_cert.chain.pem" "smtpd_tls_key_file = $RUN/tls/$mx_cert.key"
    postfix_restart "$RUN/mx"

    # A fresh resolver (it caches policies in memory) and a fresh sender
    # (empty queue, no remembered dead destinations).
    start_resolver
    postfix_restart "$RUN/snd"
}

# ------------------------------------------------------------ observing -----
CHECK_RC= CHECK_JSON=
run_check() { # tag [more arguments of check]
    local tag=$1
    shift
    CHECK_JSON="$RUN/check/$tag.json"
    set +e
    "$MTASTS" check "$DOMAIN" --json --resolver "$DNS_ADDR" --ca-file "$RUN/tls/ca.pem" --timeout 3 "$@" \
        >"$CHECK_JSON" 2>"$RUN/check/$tag.stderr"
    CHECK_RC=$?
    set -e
    "$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' "$CHECK_JSON" 2>/dev/null ||
        die "mtasts check ($tag) printed no JSON (exit $CHECK_RC): $(head -c 400 "$RUN/check/$tag.stderr")"
}

# finding ID -> "status US subject US message" of that check, a failing one
# first (US = \x1f: messages may hold tabs and '|').
finding() {
    "$PY" - "$CHECK_JSON" "$1" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
found = [c for d in doc["domains"] for c in d["checks"] if c["id"] == sys.argv[2]]
rank = {"fail": 0, "warn": 1, "pass": 2, "info": 3, "skip": 4}
found.sort(key=lambda c: rank.get(c["status"], 5))
if not found:
    print("missing\x1f\x1fthe check id is not in the output")
else:
    c = found[0]
    msg = " ".join(c.get("message", "").split())
    print(f'{c["status"]}\x1f{c.get("subject", "")}\x1f{msg}')
EOF
}

# Ids that failed in the last check run, comma-separated.
failing_ids() {
    "$PY" - "$CHECK_JSON" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
print(", ".join(c["id"] + (f' ({c["subject"]})' if c.get("subject") else "")
                for d in doc["domains"] for c in d["checks"] if c["status"] == "fail") or "none")
EOF
}

# Summary of a check run: failing/warning ids, or "" when all catalogue ids pass.
not_passing() {
    "$PY" - "$CHECK_JSON" <<'EOF'
import json, sys
catalogue = """record.present record.unique record.syntax policy_host.dns policy.tls policy.http
policy.content_type policy.size policy.syntax policy.mode policy.max_age mx.present mx.match
policy.mx_unused smtp.starttls smtp.certificate smtp.tls_version tlsrpt.present tlsrpt.syntax""".split()
doc = json.load(open(sys.argv[1]))
bad = []
for d in doc["domains"]:
    if d["verdict"] != "pass":
        bad.append(f'verdict={d["verdict"]}')
    seen = {c["id"] for c in d["checks"]}
    bad += [f"{i}=missing" for i in catalogue if i not in seen]
    for c in d["checks"]:
        if c["status"] in ("fail", "warn") or (c["id"] in catalogue and c["status"] != "pass"):
            bad.append(f'{c["id"]}={c["status"]} ({" ".join(c.get("message", "").split())})')
print("\n".join(bad))
EOF
}

# send_mail TAG: inject one message into the sending Postfix and wait for its
# fate. Sets SEND_LOG (the sender's log lines of this attempt), SEND_STATUS
# (sent/deferred/bounced/none), SEND_DSN, SEND_TLS (Verified/Trusted/
# Untrusted/Anonymous/none) and POLICY (what the resolver hands Postfix).
# With a second argument, the Postfix of that directory under $RUN sends
# (POLICY is then not asked for).
send_mail() {
    local tag=$1 snd=${2:-snd} maillog off deadline line
    maillog="$RUN/$snd/maillog"
    off=$(stat -c %s "$maillog" 2>/dev/null || echo 0)
    printf 'From: alice@sender.test\nTo: bob@%s\nSubject: mtasts realworld %s\nMessage-ID: <%s.%s@sender.test>\n\nfault: %s\n' \
        "$DOMAIN" "$tag" "$tag" "$RANDOM$RANDOM" "$tag" |
        sendmail -C "$RUN/$snd" -f "alice@sender.test" "bob@$DOMAIN"
    deadline=$((SECONDS + 40))
    SEND_LOG=
    until grep -qE 'postfix/smtp.* status=(sent|deferred|bounced)' <<<"$SEND_LOG"; do
        if ((SECONDS >= deadline)); then break; fi
        sleep 0.2
        SEND_LOG=$(tail -c +"$((off + 1))" "$maillog" 2>/dev/null || true)
    done
    line=$(grep -E 'postfix/smtp.* status=(sent|deferred|bounced)' <<<"$SEND_LOG" | head -n 1 || true)
    SEND_STATUS=none SEND_DSN= SEND_TLS=none
    [[ "$line" =~ status=([a-z]+) ]] && SEND_STATUS=${BASH_REMATCH[1]}
    [[ "$line" =~ dsn=([0-9.]+) ]] && SEND_DSN=${BASH_REMATCH[1]}
    SEND_REASON=$(sed -nE 's/.*status=[a-z]+ \((.*)\)$/\1/p' <<<"$line")
    [[ "$SEND_LOG" =~ (Verified|Trusted|Untrusted|Anonymous)\ TLS\ connection\ established\ to\ ([^ ]+) ]] &&
        SEND_TLS=${BASH_REMATCH[1]}
    SEND_VERIFIED_TO=$(grep -oE 'Verified TLS connection established to [^ :]+' <<<"$SEND_LOG" | head -n 1 || true)
    POLICY=
    if [[ $snd == snd ]]; then
        POLICY=$(postmap -c "$RUN/snd" -q "$DOMAIN" "socketmap:inet:127.0.0.1:$RESOLVER_PORT:postfix" 2>/dev/null || true)
        [[ -n "$POLICY" ]] || POLICY="(no policy)"
    fi
    printf '%s\n' "$SEND_LOG" >"$RUN/$snd/$tag.log"
}

sender_behaviour() {
    case $SEND_STATUS in
        sent)
            if [[ $SEND_TLS == Verified && $POLICY == secure* ]]; then
                echo "sent, verified TLS (MTA-STS enforced)"
            elif [[ $SEND_TLS == none ]]; then
                echo "sent without TLS (no MTA-STS)"
            else
                echo "sent without MTA-STS (TLS: $SEND_TLS)"
            fi ;;
        deferred) echo "deferred (dsn $SEND_DSN)" ;;
        *) echo "$SEND_STATUS${SEND_DSN:+ (dsn $SEND_DSN)}" ;;
    esac
}

# ----------------------------------------------------------- happy path -----
log "happy path: the intended deployment"
world none
run_check happy
HAPPY_BAD=$(not_passing)
send_mail happy
HAPPY_MX_DELIVERED=$(grep -cE 'postfix/virtual.*status=sent' "$RUN/mx/maillog" || true)

echo
echo "Happy path"
if [[ $CHECK_RC -eq 0 && -z "$HAPPY_BAD" ]]; then
    echo "  mtasts check:  exit 0, every check passes"
else
    echo "  mtasts check:  exit $CHECK_RC; not passing:"
    sed 's/^/    /' <<<"$HAPPY_BAD"
fi
echo "  resolver:      $POLICY"
echo "  sender:        $(sender_behaviour)${SEND_VERIFIED_TO:+ — log: \"$SEND_VERIFIED_TO\"}"
echo "  receiving MX:  $HAPPY_MX_DELIVERED message(s) delivered to the mailbox"
happy_ok=1
[[ $CHECK_RC -eq 0 && -z "$HAPPY_BAD" ]] || happy_ok=
[[ $SEND_STATUS == sent && -n "$SEND_VERIFIED_TO" && $POLICY == secure* ]] || happy_ok=
[[ "$SEND_VERIFIED_TO" == *"to mx1.$DOMAIN"* ]] || happy_ok=
[[ $HAPPY_MX_DELIVERED -ge 1 ]] || happy_ok=
[[ -n "$happy_ok" ]] || die "the happy path fails: the faults below would prove nothing"

# ---------------------------------------------------------------- faults ----
# fault id | check id the contract names | what RFC 8461 makes a sender do | description
FAULTS=(
    "mx.match|mx.match|enforced|MX is mx2.$DOMAIN, not in the policy"
    "smtp.starttls|smtp.starttls|enforced|receiving Postfix without STARTTLS"
    "smtp.certificate|smtp.certificate|enforced|MX certificate for other.$DOMAIN"
    "policy.content_type|policy.content_type|nopolicy|policy served as text/html"
    "policy.http|policy.http|nopolicy|policy URL redirects (301)"
    "record.unique|record.unique|nopolicy|two _mta-sts TXT records"
    "record.syntax|record.syntax|nopolicy|_mta-sts record with id=2024-01-01"
)
# REALWORLD_ONLY=dane: the happy path and the DANE rows only (while working on them).
[[ "${REALWORLD_ONLY:-}" != dane ]] || FAULTS=()

ROWS=() DETAILS=() unexplained=0 US=$'\x1f'
for spec in "${FAULTS[@]}"; do
    IFS='|' read -r fault check_id expect desc <<<"$spec"
    log "fault: $desc"
    world "$fault"
    run_check "$fault"
    IFS=$'\x1f' read -r c_status c_subject c_msg < <(finding "$check_id")
    send_mail "$fault"
    behaviour=$(sender_behaviour)

    agree=no note=
    if [[ $expect == enforced ]]; then
        # The policy is valid and enforced: the sender must refuse (4.7.x).
        if [[ $c_status == fail && $SEND_STATUS == deferred && $SEND_DSN == 4.7.* ]]; then
            agree=yes
        fi
    else
        # RFC 8461 says "no policy": the sender delivers without MTA-STS, and
        # the check's message must say that senders get no policy.
        says_no_policy=
        grep -qiE 'no policy|reject the policy' <<<"$c_msg" && says_no_policy=1
        if [[ $c_status == fail && -n "$says_no_policy" && $SEND_STATUS == sent &&
            $SEND_TLS != Verified && $POLICY != secure* ]]; then
            agree=yes
        elif [[ $fault == record.syntax && $c_status == fail && -n "$says_no_policy" &&
            $SEND_STATUS == sent && $POLICY == secure* ]]; then
            note="postfix-mta-sts-resolver accepted id=2024-01-01 and enforced the policy: it only checks that the record starts v=STSv1 and has an id= field, not RFC 8461 §3.1's id syntax (1-32 letters/digits), under which the record is invalid and senders must assume no policy. The check follows the RFC; this resolver is laxer than the RFC"
        elif [[ $fault == policy.content_type && $c_status == fail && $SEND_STATUS == sent && $POLICY == secure* ]]; then
            note="postfix-mta-sts-resolver accepted a text/html policy and enforced it; the check rejects it (RFC 8461 §3.3: the media type is text/plain)"
        fi
    fi
    if [[ $agree == no && -z "$note" ]]; then
        note="UNEXPLAINED: check $check_id=$c_status; sender $behaviour; resolver answer: $POLICY"
        unexplained=$((unexplained + 1))
    fi
    ROWS+=("$desc$US$check_id${c_subject:+ ($c_subject)}$US$c_status$US$behaviour$US$agree${note:+ [see ${#ROWS[@]}]}")
    DETAILS+=("$desc$US$c_msg$US$(failing_ids)${US}status=$SEND_STATUS dsn=$SEND_DSN, TLS: $SEND_TLS — $SEND_REASON$US$POLICY$US$note")
done


# ------------------------------------------------------------------ DANE ----
# The same deployment, now DNSSEC-signed by a real signer (ldns-signzone)
# under a signed test root served by the same NSD; the trust anchor is the
# DS of the root's key-signing key, for Unbound and for `mtasts check
# --trust-anchor` alike. (An anchor at example.test's parent test. instead
# works for Unbound, but not for mtasts: see the README.)
# The TLSA records are made by `mtasts gen-tlsa` from the MX's certificates.
log "DANE: DNSSEC keys (ECDSA P-256) and TLSA records"
for zone_name in root "$DOMAIN"; do
    (
        cd "$RUN/dns/keys"
        owner=$zone_name.
        [[ $zone_name != root ]] || owner=.
        ksk=$(ldns-keygen -a ECDSAP256SHA256 -k "$owner")
        zsk=$(ldns-keygen -a ECDSAP256SHA256 "$owner")
        echo "$RUN/dns/keys/$ksk $RUN/dns/keys/$zsk" >"$zone_name.keys"
    ) || die "ldns-keygen failed for $zone_name"
done
read -r ROOT_KSK ROOT_ZSK <"$RUN/dns/keys/root.keys"
read -r DOM_KSK DOM_ZSK <"$RUN/dns/keys/$DOMAIN.keys"
cp "$ROOT_KSK.ds" "$RUN/dns/anchor.ds"
ANCHOR="$RUN/dns/anchor.ds"

gen_tlsa() { # out-file gen-tlsa arguments...
    local out=$1
    shift
    "$MTASTS" gen-tlsa --host "mx1.$DOMAIN" --format zone --ttl 60 "$@" >"$out" 2>"$out.stderr" ||
        die "mtasts gen-tlsa $* failed: $(cat "$out.stderr")"
}
gen_tlsa "$RUN/dns/tlsa.mx1" --cert "$RUN/tls/mx1.$DOMAIN.chain.pem"
gen_tlsa "$RUN/dns/tlsa.other" --cert "$RUN/tls/other.$DOMAIN.chain.pem"
gen_tlsa "$RUN/dns/tlsa.rollover" --cert "$RUN/tls/mx1.$DOMAIN.chain.pem" \
    --next-cert "$RUN/tls/mx1.$DOMAIN.next.chain.pem"
[[ $(grep -c ' TLSA 3 1 1 ' "$RUN/dns/tlsa.rollover") -eq 2 ]] ||
    die "gen-tlsa --next-cert did not print two records: $(cat "$RUN/dns/tlsa.rollover")"

start_unbound() {
    if [[ -n "$UNBOUND_PID" ]]; then kill -TERM "$UNBOUND_PID"; wait "$UNBOUND_PID" || true; fi
    unbound -d -c "$RUN/unbound/unbound.conf" 2>>"$RUN/unbound/stderr.log" &
    UNBOUND_PID=$!
    wait_for "Unbound" "tcp_listening $UNBOUND_ADDR 53"
}

# dane_world KIND: the signed deployment with one TLSA variant; a fresh
# NSD, Unbound (empty cache) and DANE sender (empty queue).
dane_world() {
    local kind=$1 mx_cert="mx1.$DOMAIN" tlsa="$RUN/dns/tlsa.mx1" signed=1
    local zone="$RUN/dns/$DOMAIN.zone" src="$RUN/dns/$DOMAIN.src" parent="$RUN/dns/root.src"
    case $kind in
        mismatch) tlsa="$RUN/dns/tlsa.other" ;;
        unsigned) tlsa="$RUN/dns/tlsa.other" signed= ;;
        rollover) tlsa="$RUN/dns/tlsa.rollover" mx_cert="mx1.$DOMAIN.next" ;;
    esac
    SERIAL=$((SERIAL + 1))
    render zone.base.in "$src"
    cat "$INIT_RECORDS" "$tlsa" >>"$src"
    render zone.root.in "$parent"
    if [[ -n "$signed" ]]; then
        ldns-signzone -f "$zone" "$src" "$DOM_KSK" "$DOM_ZSK" || die "ldns-signzone failed for $DOMAIN"
        # The delegation is secure: the parent publishes the DS.
        cat "$DOM_KSK.ds" >>"$parent"
    else
        # An unsigned zone under an insecure delegation (no DS).
        cp "$src" "$zone"
    fi
    if [[ $kind == bogus ]]; then
        # A record changed after signing: the TLSA data is now that of
        # another key, under the signature made over mx1's.
        local good bad
        good=$(grep -oE '[0-9a-f]{64}$' "$RUN/dns/tlsa.mx1")
        bad=$(grep -oE '[0-9a-f]{64}$' "$RUN/dns/tlsa.other")
        [[ -n "$good" && -n "$bad" ]] || die "no TLSA data in gen-tlsa's output"
        grep -qi "TLSA.*$good" "$zone" || die "no TLSA record to change in the signed zone"
        sed -i -E "/TLSA/s/$good/$bad/I" "$zone"
        grep -qi "TLSA.*$bad" "$zone" || die "could not change the TLSA record after signing"
    fi
    ldns-signzone -f "$RUN/dns/root.zone" "$parent" "$ROOT_KSK" "$ROOT_ZSK" || die "ldns-signzone failed for the root"
    start_nsd

    postconf -c "$RUN/mx" -e "smtpd_tls_security_level = may" \
        "smtpd_tls_cert_file = $RUN/tls/$mx_cert.chain.pem" "smtpd_tls_key_file = $RUN/tls/$mx_cert.key"
    postfix_restart "$RUN/mx"
    start_unbound
    postfix_restart "$RUN/dane" "$RUN/resolv-unbound.conf"
}

dane_behaviour() {
    case $SEND_STATUS in
        sent)
            if [[ $SEND_TLS == Verified || $SEND_TLS == Trusted ]]; then
                echo "sent, DANE-verified TLS ($SEND_TLS)"
            else
                echo "sent without DANE (TLS: $SEND_TLS)"
            fi ;;
        deferred) echo "deferred (dsn $SEND_DSN)" ;;
        *) echo "$SEND_STATUS${SEND_DSN:+ (dsn $SEND_DSN)}" ;;
    esac
}

# kind | what the DANE sender must do | description
DANE_FAULTS=(
    "match|dane|TLSA 3 1 1 of mx1's key (gen-tlsa), alone"
    "mismatch|defer|TLSA 3 1 1 of another key"
    "bogus|defer|TLSA changed after signing (bogus)"
    "unsigned|nodane|TLSA of another key, zone unsigned"
    "rollover|dane|old + new TLSA (gen-tlsa --next-cert), MX on the new key"
)
DANE_ROWS=() DANE_DETAILS=()
for spec in "${DANE_FAULTS[@]}"; do
    IFS='|' read -r kind expect desc <<<"$spec"
    log "DANE: $desc"
    dane_world "$kind"
    run_check "dane-$kind" --trust-anchor "$ANCHOR"
    IFS=$'\x1f' read -r c_status c_subject c_msg < <(finding dane.tlsa)
    IFS=$'\x1f' read -r s_status _ s_msg < <(finding dane.mx_secure)
    mtasts_behaviour=
    if [[ $expect == nodane ]]; then
        # Where DANE does not apply, MTA-STS does: the MTA-STS sender (its
        # resolver and Postfix, fresh) delivers by the policy.
        start_resolver
        postfix_restart "$RUN/snd"
        send_mail "dane-$kind-mtasts"
        mtasts_behaviour=$(sender_behaviour)
        [[ $SEND_STATUS == sent && $SEND_TLS == Verified && $POLICY == secure* ]] || mtasts_behaviour+=" (!)"
    fi
    send_mail "dane-$kind" dane
    behaviour=$(dane_behaviour)${mtasts_behaviour:+; MTA-STS sender: $mtasts_behaviour}

    agree=no note=
    case $expect in
        dane)
            # A usable record matches (warn: it is the only one), and the
            # sender verified the MX by it.
            [[ ($c_status == pass || $c_status == warn) && $c_msg == *matches* && $s_status == pass &&
                $SEND_STATUS == sent && ($SEND_TLS == Verified || $SEND_TLS == Trusted) ]] && agree=yes ;;
        defer)
            # The check must also say why: the record that does not match,
            # or the signature that does not validate (bogus).
            why='no usable TLSA record matches'
            [[ $kind != bogus ]] || why='are bogus'
            [[ $c_status == fail && $c_msg == *"$why"* && $SEND_STATUS == deferred && $SEND_DSN == 4.* ]] &&
                agree=yes ;;
        nodane)
            # DANE does not apply; the DANE sender falls back to
            # opportunistic TLS, the MTA-STS sender enforces the policy.
            [[ $c_status == info && $s_status == info && $SEND_STATUS == sent &&
                $SEND_TLS != Verified && $SEND_TLS != Trusted && $mtasts_behaviour != *'(!)' ]] &&
                agree=yes ;;
    esac
    if [[ $agree == no ]]; then
        note="UNEXPLAINED: check dane.tlsa=$c_status, dane.mx_secure=$s_status; DANE sender $behaviour"
        unexplained=$((unexplained + 1))
    fi
    DANE_ROWS+=("$desc${US}dane.tlsa${c_subject:+ ($c_subject)}$US$c_status${US}dane.mx_secure=$s_status$US$behaviour$US$agree${note:+ [see D${#DANE_ROWS[@]}]}")
    DANE_DETAILS+=("$desc$US$c_msg$US$s_msg$US$(failing_ids)${US}status=$SEND_STATUS dsn=$SEND_DSN, TLS: $SEND_TLS — $SEND_REASON$US$note")
done

# ----------------------------------------------------------------- report ---
table() { # rows on stdin, cells separated by US
    awk -F"$US" '{ for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NR; if (NF > nf) nf = NF }
        END { for (r = 1; r <= n; r++) { line = ""; for (i = 1; i <= nf; i++) line = line (i < nf ? sprintf("%-" w[i] "s | ", cell[r, i]) : cell[r, i]); print line } }'
}
if ((${#ROWS[@]})); then
    echo
    echo "Faults (one at a time; the world is rebuilt from the init output between them)"
    {
        echo "fault${US}check id${US}check verdict${US}sender behaviour${US}agree"
        echo "-----${US}--------${US}-------------${US}----------------${US}-----"
        printf '%s\n' "${ROWS[@]}"
    } | table
fi
echo
for i in "${!DETAILS[@]}"; do
    IFS=$US read -r desc c_msg fails reason policy note <<<"${DETAILS[$i]}"
    echo "[$i] $desc"
    echo "    check:    $c_msg"
    echo "    failing:  $fails"
    echo "    resolver: $policy"
    echo "    sender:   ${reason:-(no status line)}"
    [[ -z "$note" ]] || echo "    NOTE:     $note"
done
echo
echo "DANE (zone signed by ldns-signzone; a Postfix sender with smtp_tls_security_level = dane"
echo "validating through Unbound; mtasts check --trust-anchor with the same DS, --resolver NSD)"
{
    echo "fault${US}check id${US}check verdict${US}MX RRset${US}sender behaviour${US}agree"
    echo "-----${US}--------${US}-------------${US}--------${US}----------------${US}-----"
    printf '%s\n' "${DANE_ROWS[@]}"
} | table
echo
for i in "${!DANE_DETAILS[@]}"; do
    IFS=$US read -r desc c_msg s_msg fails reason note <<<"${DANE_DETAILS[$i]}"
    echo "[D$i] $desc"
    echo "    dane.tlsa:      $c_msg"
    echo "    dane.mx_secure: $s_msg"
    echo "    failing:        $fails"
    echo "    DANE sender:    ${reason:-(no status line)}"
    [[ -z "$note" ]] || echo "    NOTE:           $note"
done
echo
echo "runtime: $((SECONDS - START)) s inside the namespace; logs in $RUN"

trap - EXIT
if ((unexplained)); then
    echo "realworld: $unexplained disagreement(s) without an explanation" >&2
    exit 1
fi
exit 0
