//! Proof on real runtimes: every `gen-hosting` artifact, deployed into the
//! real server it is written for, serves the policy as RFC 8461 requires.
//!
//! The tests are `#[ignore]`d: they need nginx, Caddy, Apache, Jekyll,
//! xmllint, Node.js and workerd, which `.ci/install-extended` installs.
//! Run them with `cargo test --test it runtimes -- --ignored`. A missing
//! program fails the test (naming the install script); nothing is skipped.
//!
//! Each server runs in the foreground as a child process on its own loopback
//! address, in its own process group, and is stopped when its guard drops
//! (or, should this process die, by the parent-death signal).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rustls_pki_types::ServerName;
use serde_json::Value;

use crate::support::DnsServer;
use crate::support::mtasts;
use crate::support::world::{POLICY, ca, zone};

const DOMAIN: &str = "example.test";
const HOST: &str = "mta-sts.example.test";
const POLICY_URL_PATH: &str = "/.well-known/mta-sts.txt";
const CONTENT_TYPE: &str = "text/plain; charset=utf-8";
const INSTALL: &str = ".ci/install-extended";

// ------------------------------------------------------------ programs

/// `name` on PATH (or at `$env_var` when set), else a failure naming the installer.
#[track_caller]
fn program(name: &str) -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!("{name} is not installed: run {INSTALL} (as root) to install the extended suite's programs")
    })
}

/// workerd: `$MTASTS_WORKERD`, else `target/npm/node_modules/.bin/workerd`
/// where `.ci/install-extended` puts it.
#[track_caller]
fn workerd() -> PathBuf {
    let path = std::env::var_os("MTASTS_WORKERD")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/npm/node_modules/.bin/workerd")
        });
    assert!(
        path.is_file(),
        "workerd not found at {}: run {INSTALL} (it installs the npm package workerd into target/npm) or set MTASTS_WORKERD",
        path.display()
    );
    path
}

// ------------------------------------------------------------ a deployment

/// A scratch directory with the test CA, a certificate for the policy host,
/// the policy file and the artifact `gen-hosting` wrote into `out/`.
struct Deployment {
    dir: tempfile::TempDir,
    /// What gen-hosting printed: the files written and the next steps.
    stdout: String,
}

impl Deployment {
    /// Runs the real `mtasts gen-hosting TARGET` with `--listen listen` (if any)
    /// and `--cert`/`--key`/`--webroot` pointing into the scratch directory.
    fn generate(target: &str, listen: Option<&str>, extra: &[&str]) -> Deployment {
        let dir = tempfile::tempdir().unwrap();
        // Servers drop privileges (nginx workers: nobody; Apache: daemon) and
        // must still read the webroot.
        set_mode(dir.path(), 0o755);
        let ca = ca();
        ca.write_pem(dir.path());
        let leaf = ca.leaf(&[HOST]);
        std::fs::write(
            dir.path().join("chain.pem"),
            format!("{}{}", leaf.cert_pem(), ca.pem()),
        )
        .unwrap();
        let key = rcgen::KeyPair::try_from(&leaf.key).expect("leaf key");
        std::fs::write(dir.path().join("key.pem"), key.serialize_pem()).unwrap();
        std::fs::write(dir.path().join("policy.txt"), POLICY).unwrap();

        let mut d = Deployment {
            dir,
            stdout: String::new(),
        };
        let mut args: Vec<String> = vec![
            "gen-hosting".into(),
            target.into(),
            "--domain".into(),
            DOMAIN.into(),
            "--policy-file".into(),
            d.path("policy.txt"),
            "--cert".into(),
            d.path("chain.pem"),
            "--key".into(),
            d.path("key.pem"),
            "--webroot".into(),
            d.path("out/webroot"),
            "--out".into(),
            d.path("out"),
        ];
        if let Some(listen) = listen {
            args.extend(["--listen".into(), listen.into()]);
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        let out = mtasts().args(&args).output().unwrap();
        assert!(
            out.status.success(),
            "gen-hosting {target} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        d.stdout = String::from_utf8(out.stdout).unwrap();
        d
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn path(&self, rel: &str) -> String {
        self.dir.path().join(rel).display().to_string()
    }

    fn read(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.dir.path().join(rel))
            .unwrap_or_else(|e| panic!("read {rel} of the artifact: {e}"))
    }

    fn write(&self, rel: &str, contents: &str) {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

// ------------------------------------------------------------ a running server

/// A server child process; dropping it stops the whole process group with
/// `signal` and reaps it (SIGKILL after a grace period).
struct Server {
    name: &'static str,
    child: Child,
    signal: i32,
    log: PathBuf,
}

impl Server {
    /// Starts `cmd` in its own process group with stdout/stderr to a log file,
    /// and waits until `addr` accepts TCP connections.
    fn start(
        name: &'static str,
        mut cmd: Command,
        signal: i32,
        addr: SocketAddr,
        dir: &Path,
    ) -> Server {
        assert!(addr.ip().is_loopback(), "servers bind loopback only");
        assert!(
            TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err(),
            "something already listens on {addr}: a server left over from an earlier run?"
        );
        let log = dir.join(format!("{name}.log"));
        let file = std::fs::File::create(&log).unwrap();
        cmd.stdin(Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .process_group(0);
        // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                // If this test process dies, the server gets SIGTERM too.
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("start {name}: {e} (run {INSTALL})"));
        let mut server = Server {
            name,
            child,
            signal,
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = server.child.try_wait().unwrap() {
                panic!(
                    "{name} exited ({status}) before listening on {addr}:\n{}",
                    server.log_text()
                );
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return server;
            }
            assert!(
                Instant::now() < deadline,
                "{name} did not listen on {addr} within 15 s:\n{}",
                server.log_text()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let pgid = self.child.id() as libc::pid_t;
        // SAFETY: signalling our own child's process group.
        unsafe {
            libc::kill(-pgid, self.signal);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                // Workers of the group may still be exiting; make sure.
                // SAFETY: as above.
                unsafe {
                    libc::kill(-pgid, libc::SIGKILL);
                }
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        eprintln!("{} ignored signal {}; killing it", self.name, self.signal);
        // SAFETY: as above.
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

// ------------------------------------------------------------ an HTTP client

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    raw_head: String,
}

impl Response {
    fn headers(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn parse(raw: &[u8]) -> Response {
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
        let head = String::from_utf8(raw[..split].to_vec()).expect("ASCII head");
        let rest = &raw[split + 4..];
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap();
        let status = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
        let headers: Vec<(String, String)> = lines
            .map(|l| {
                let (n, v) = l.split_once(':').expect("header line");
                (n.trim().to_string(), v.trim().to_string())
            })
            .collect();
        let mut r = Response {
            status,
            headers,
            body: Vec::new(),
            raw_head: head.clone(),
        };
        let chunked = r
            .headers("transfer-encoding")
            .iter()
            .any(|v| v.eq_ignore_ascii_case("chunked"));
        r.body = if chunked {
            dechunk(rest)
        } else if let Some(len) = r.headers("content-length").first() {
            let len: usize = len.parse().expect("Content-Length");
            assert!(rest.len() >= len, "body shorter than Content-Length");
            rest[..len].to_vec()
        } else {
            rest.to_vec()
        };
        r
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let eol = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size line");
        let size_text = std::str::from_utf8(&data[..eol]).unwrap();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16)
            .expect("chunk size");
        data = &data[eol + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

fn request(path: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nHost: {HOST}\r\nUser-Agent: mtasts-runtimes-test\r\nAccept: */*\r\nConnection: close\r\n\r\n"
    )
}

/// Reads until the peer closes; a TLS peer closing without close_notify
/// after a complete response is tolerated.
fn read_to_close(stream: &mut impl Read) -> Vec<u8> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return raw,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !raw.is_empty() => {
                return raw;
            }
            Err(e) => panic!("read response: {e} (after {} bytes)", raw.len()),
        }
    }
}

fn connect(addr: SocketAddr) -> TcpStream {
    let sock = TcpStream::connect_timeout(&addr, Duration::from_secs(5))
        .unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    sock.set_write_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    sock
}

/// `GET https://mta-sts.example.test{path}` sent to `addr`, trusting only the test CA.
fn https_get(addr: SocketAddr, path: &str) -> Response {
    let name = ServerName::try_from(HOST).unwrap();
    let conn = rustls::ClientConnection::new(ca().client_config(), name).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, connect(addr));
    tls.write_all(request(path).as_bytes())
        .unwrap_or_else(|e| panic!("TLS with {addr}: {e}"));
    Response::parse(&read_to_close(&mut tls))
}

/// `GET http://mta-sts.example.test{path}` sent to `addr` (workerd, the Azure harness).
fn http_get(addr: SocketAddr, path: &str) -> Response {
    let mut sock = connect(addr);
    sock.write_all(request(path).as_bytes()).unwrap();
    Response::parse(&read_to_close(&mut sock))
}

// ------------------------------------------------------------ assertions

/// Media type `text/plain`, charset `utf-8` (case-insensitive, quotes allowed).
fn is_text_plain_utf8(ct: &str) -> bool {
    let mut parts = ct.split(';');
    let media = parts.next().unwrap_or("").trim();
    media.eq_ignore_ascii_case("text/plain")
        && parts.any(|p| {
            p.split_once('=').is_some_and(|(k, v)| {
                k.trim().eq_ignore_ascii_case("charset")
                    && v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
            })
        })
}

/// The policy response: 200, exact bytes, text/plain + utf-8 (exactly
/// `text/plain; charset=utf-8` when `exact_type`), no redirect.
#[track_caller]
fn assert_policy(server: &str, r: &Response, exact_type: bool) {
    assert_eq!(
        r.status, 200,
        "{server}: status of the policy\n{}",
        r.raw_head
    );
    assert!(
        r.body == POLICY.as_bytes(),
        "{server}: body differs from the policy:\n{:?}\nexpected\n{POLICY:?}",
        String::from_utf8_lossy(&r.body)
    );
    let cts = r.headers("content-type");
    assert_eq!(
        cts.len(),
        1,
        "{server}: Content-Type headers\n{}",
        r.raw_head
    );
    assert!(
        is_text_plain_utf8(cts[0]),
        "{server}: Content-Type {:?}",
        cts[0]
    );
    if exact_type {
        assert_eq!(cts[0], CONTENT_TYPE, "{server}: Content-Type");
    }
    assert!(
        r.headers("location").is_empty(),
        "{server}: Location header on the policy\n{}",
        r.raw_head
    );
}

/// Anything but the policy is a 404 and not a redirect.
#[track_caller]
fn assert_not_found(server: &str, r: &Response, path: &str) {
    assert_eq!(r.status, 404, "{server}: status of {path}\n{}", r.raw_head);
    assert!(
        r.headers("location").is_empty(),
        "{server}: Location header on {path}\n{}",
        r.raw_head
    );
}

const OTHER_PATHS: [&str; 3] = ["/", "/.well-known/security.txt", "/webroot/"];

fn assert_https_deployment(server: &str, addr: SocketAddr, exact_type: bool) {
    assert_policy(server, &https_get(addr, POLICY_URL_PATH), exact_type);
    for path in OTHER_PATHS {
        assert_not_found(server, &https_get(addr, path), path);
    }
}

fn assert_http_deployment(server: &str, addr: SocketAddr) {
    assert_policy(server, &http_get(addr, POLICY_URL_PATH), true);
    for path in OTHER_PATHS {
        assert_not_found(server, &http_get(addr, path), path);
    }
}

/// `mtasts check example.test` against the deployment (DNS from an
/// in-process server, the policy host pinned to `addr`): every policy check passes.
fn assert_check_passes(server: &str, d: &Deployment, addr: SocketAddr) {
    let dns = DnsServer::builder()
        .zone(&format!("{DOMAIN}."), &zone())
        .start_now();
    let out = mtasts()
        .args([
            "check",
            DOMAIN,
            "--json",
            "--no-smtp",
            "--timeout",
            "5",
            "--resolver",
            &dns.addr.to_string(),
            "--ca-file",
            &d.path("ca.pem"),
            "--connect-to",
            &format!("{HOST}:443:{addr}"),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "{server}: check output is not JSON ({e}): {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let checks = json["domains"][0]["checks"]
        .as_array()
        .unwrap_or_else(|| panic!("{server}: no checks in {json}"));
    for id in [
        "policy.tls",
        "policy.http",
        "policy.content_type",
        "policy.size",
        "policy.syntax",
    ] {
        let found = checks.iter().find(|c| c["id"] == id).unwrap_or_else(|| {
            panic!(
                "{server}: no {id} in {}",
                serde_json::to_string_pretty(checks).unwrap()
            )
        });
        assert_eq!(found["status"], "pass", "{server}: {id}: {found}");
    }
}

fn listen_addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

// ------------------------------------------------------------ the targets

#[test]
#[ignore = "needs nginx: run .ci/install-extended"]
fn nginx_serves_the_policy() {
    let nginx = program("nginx");
    let listen = "127.10.0.2:8443";
    let d = Deployment::generate("nginx", Some(listen), &[]);
    let conf = d.path("out/mta-sts.example.test.conf");
    let scratch = d.path("nginx");
    for sub in ["body", "proxy", "fastcgi", "uwsgi", "scgi"] {
        std::fs::create_dir_all(d.root().join("nginx").join(sub)).unwrap();
    }
    // The artifact is a server block: wrap it in the smallest nginx.conf.
    d.write(
        "nginx/nginx.conf",
        &format!(
            "daemon off;\nmaster_process on;\nworker_processes 1;\npid {scratch}/nginx.pid;\n\
             error_log stderr;\nevents {{ worker_connections 64; }}\n\
             http {{\n    access_log off;\n    client_body_temp_path {scratch}/body;\n    \
             proxy_temp_path {scratch}/proxy;\n    fastcgi_temp_path {scratch}/fastcgi;\n    \
             uwsgi_temp_path {scratch}/uwsgi;\n    scgi_temp_path {scratch}/scgi;\n    \
             include {conf};\n}}\n"
        ),
    );
    let mut cmd = Command::new(nginx);
    cmd.args(["-e", "stderr", "-p", &scratch, "-c"])
        .arg(format!("{scratch}/nginx.conf"));
    let addr = listen_addr(listen);
    let _server = Server::start("nginx", cmd, libc::SIGQUIT, addr, d.root());
    assert_https_deployment("nginx", addr, true);
    assert_check_passes("nginx", &d, addr);
}

#[test]
#[ignore = "needs caddy: run .ci/install-extended"]
fn caddy_serves_the_policy() {
    let caddy = program("caddy");
    let listen = "127.10.0.3:8443";
    let d = Deployment::generate("caddy", Some(listen), &[]);
    let site = String::from_utf8(d.read("out/Caddyfile")).unwrap();
    let scratch = d.path("caddy");
    std::fs::create_dir_all(&scratch).unwrap();
    // Global options for a sealed test: no admin endpoint, no automatic
    // HTTPS (port-80 redirects, ACME), no trust-store install, no OCSP.
    d.write(
        "caddy/Caddyfile",
        &format!(
            "{{\n    admin off\n    auto_https off\n    skip_install_trust\n    ocsp_stapling off\n    \
             storage file_system {scratch}/storage\n}}\n\n{site}"
        ),
    );
    let mut cmd = Command::new(caddy);
    cmd.args(["run", "--adapter", "caddyfile", "--config"])
        .arg(format!("{scratch}/Caddyfile"))
        .env("HOME", &scratch)
        .env("XDG_CONFIG_HOME", format!("{scratch}/config"))
        .env("XDG_DATA_HOME", format!("{scratch}/data"));
    let addr = listen_addr(listen);
    let _server = Server::start("caddy", cmd, libc::SIGTERM, addr, d.root());
    assert_https_deployment("caddy", addr, true);
    assert_check_passes("caddy", &d, addr);
}

#[test]
#[ignore = "needs apache2: run .ci/install-extended"]
fn apache_serves_the_policy() {
    let apache = program("apache2");
    let modules = Path::new("/usr/lib/apache2/modules");
    assert!(
        modules.join("mod_ssl.so").is_file(),
        "no Apache modules in {}: run {INSTALL}",
        modules.display()
    );
    let listen = "127.10.0.4:8443";
    let d = Deployment::generate("apache", Some(listen), &[]);
    let vhost = d.path("out/mta-sts.example.test.conf");
    let scratch = d.path("apache");
    std::fs::create_dir_all(&scratch).unwrap();
    // The vhost opens no socket; gen-hosting's notes give the Listen line.
    let listen_directive = d
        .stdout
        .split('"')
        .find(|s| s.starts_with("Listen "))
        .unwrap_or_else(|| panic!("no Listen directive in the notes:\n{}", d.stdout));
    assert_eq!(listen_directive, format!("Listen {listen} https"));
    let load: String = [
        ("mpm_event", "mod_mpm_event.so"),
        ("authz_core", "mod_authz_core.so"),
        ("alias", "mod_alias.so"),
        ("socache_shmcb", "mod_socache_shmcb.so"),
        ("ssl", "mod_ssl.so"),
    ]
    .iter()
    .map(|(name, so)| format!("LoadModule {name}_module {}/{so}\n", modules.display()))
    .collect();
    // Debian's apache2.conf needs /etc/apache2/envvars: write the main
    // configuration an admin already has, and include the artifact.
    d.write(
        "apache/httpd.conf",
        &format!(
            "ServerRoot {scratch}\nServerName localhost\n{load}\
             DefaultRuntimeDir {scratch}\nPidFile {scratch}/httpd.pid\n\
             Mutex file:{scratch} default\nErrorLog /dev/stderr\nLogLevel warn\n\
             {listen_directive}\nInclude {vhost}\n"
        ),
    );
    let mut cmd = Command::new(apache);
    cmd.args(["-DFOREGROUND", "-f"])
        .arg(format!("{scratch}/httpd.conf"));
    let addr = listen_addr(listen);
    let _server = Server::start("apache", cmd, libc::SIGTERM, addr, d.root());
    assert_https_deployment("apache", addr, true);
    assert_check_passes("apache", &d, addr);
}

fn workerd_serves_the_policy(classic: bool, listen: &str) {
    let workerd = workerd();
    let extra: &[&str] = if classic { &["--classic"] } else { &[] };
    let d = Deployment::generate("cloudflare-worker", None, extra);
    // capnp `embed` paths are relative to the config file.
    let code = if classic {
        "serviceWorkerScript = embed \"../out/worker.js\"".to_string()
    } else {
        // The compatibility date wrangler.toml deploys with.
        let wrangler = String::from_utf8(d.read("out/wrangler.toml")).unwrap();
        assert!(wrangler.contains("compatibility_date = \"2024-09-23\""));
        "modules = [(name = \"worker.js\", esModule = embed \"../out/worker.js\")]".to_string()
    };
    d.write(
        "workerd/config.capnp",
        &format!(
            "using Workerd = import \"/workerd/workerd.capnp\";\n\n\
             const config :Workerd.Config = (\n  services = [(name = \"main\", worker = .policyWorker)],\n  \
             sockets = [(name = \"http\", address = \"{listen}\", http = (), service = \"main\")],\n);\n\n\
             const policyWorker :Workerd.Worker = (\n  {code},\n  compatibilityDate = \"2024-09-23\",\n);\n"
        ),
    );
    let mut cmd = Command::new(workerd);
    cmd.arg("serve").arg(d.path("workerd/config.capnp"));
    let addr = listen_addr(listen);
    let name = if classic {
        "workerd-classic"
    } else {
        "workerd-module"
    };
    let _server = Server::start(name, cmd, libc::SIGTERM, addr, d.root());
    assert_http_deployment(name, addr);
}

#[test]
#[ignore = "needs workerd: run .ci/install-extended"]
fn cloudflare_module_worker_serves_the_policy_in_workerd() {
    workerd_serves_the_policy(false, "127.10.0.5:8787");
}

#[test]
#[ignore = "needs workerd: run .ci/install-extended"]
fn cloudflare_classic_worker_serves_the_policy_in_workerd() {
    workerd_serves_the_policy(true, "127.10.0.6:8787");
}

#[test]
#[ignore = "needs node: run .ci/install-extended"]
fn azure_function_serves_the_policy() {
    let node = program("node");
    let listen = "127.10.0.7:8080";
    let addr = listen_addr(listen);
    let d = Deployment::generate("azure-function", None, &[]);
    let harness = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/runtimes/azure-harness.js");
    let mut cmd = Command::new(node);
    cmd.arg(harness)
        .arg(d.path("out"))
        .arg(addr.ip().to_string())
        .arg(addr.port().to_string());
    let _server = Server::start("azure-function", cmd, libc::SIGTERM, addr, d.root());
    assert_http_deployment("azure-function", addr);
}

#[test]
#[ignore = "needs jekyll: run .ci/install-extended"]
fn github_pages_tree_builds_with_jekyll() {
    let jekyll = program("jekyll");
    let d = Deployment::generate("github-pages", None, &[]);
    let out = Command::new(jekyll)
        .args(["build", "--safe", "--quiet", "--source"])
        .arg(d.path("out"))
        .arg("--destination")
        .arg(d.path("out/_site"))
        .env("HOME", d.root())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "jekyll build failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let built = d.read("out/_site/.well-known/mta-sts.txt");
    assert!(
        built == POLICY.as_bytes(),
        "Jekyll changed the policy: {:?}",
        String::from_utf8_lossy(&built)
    );
    assert_eq!(d.read("out/_site/CNAME"), format!("{HOST}\n").as_bytes());
}

#[test]
#[ignore = "needs xmllint: run .ci/install-extended"]
fn iis_web_config_is_well_formed_and_maps_txt_to_utf8_text() {
    let xmllint = program("xmllint");
    let d = Deployment::generate("iis", None, &[]);
    assert_eq!(d.read("out/.well-known/mta-sts.txt"), POLICY.as_bytes());
    let config = d.path("out/web.config");
    let xpath = |expr: &str| -> String {
        let out = Command::new(&xmllint)
            .args(["--nonet", "--xpath", expr, &config])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "xmllint --xpath {expr}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let wf = Command::new(&xmllint)
        .args(["--nonet", "--noout", &config])
        .output()
        .unwrap();
    assert!(
        wf.status.success() && wf.stderr.is_empty(),
        "web.config is not well-formed XML: {}",
        String::from_utf8_lossy(&wf.stderr)
    );
    let static_content = "/configuration/system.webServer/staticContent";
    let mime = xpath(&format!(
        "string({static_content}/mimeMap[@fileExtension='.txt']/@mimeType)"
    ));
    assert!(is_text_plain_utf8(&mime), "mimeMap for .txt: {mime:?}");
    // IIS rejects a second mimeMap for an extension it already maps: the
    // inherited .txt entry must be removed first.
    assert_eq!(
        xpath(&format!(
            "count({static_content}/remove[@fileExtension='.txt']/following-sibling::mimeMap[@fileExtension='.txt'])"
        )),
        "1"
    );
    assert_eq!(
        xpath("string(/configuration/system.webServer/httpRedirect/@enabled)"),
        "false"
    );
}
