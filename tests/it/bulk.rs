//! `mtasts check` on many domains: `--jsonl`, `--csv`, the compact human
//! output, `--shard` and Ctrl-C, with the real binary against a
//! [fleet](crate::support::fleet) of test domains.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::fleet::{Fleet, Kind, fleet};
use crate::support::{mtasts, usage_error};

use Kind::{Fail, Hanging, Hostile, Pass, Slow, Warn};

struct Out {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(args: &[String]) -> Out {
    // One clock for every run of the test binary: the fixes carry a fresh
    // record id made of the time, and two runs compared line by line must
    // not straddle a second.
    static NOW: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let now = NOW.get_or_init(|| chrono::Utc::now().to_rfc3339());
    let out = mtasts()
        .args(args)
        .env(mtasts::Clock::ENV, now)
        .output()
        .unwrap();
    Out {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 output"),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every line parsed as JSON.
#[track_caller]
fn lines(jsonl: &str) -> Vec<Value> {
    assert!(
        jsonl.is_empty() || jsonl.ends_with('\n'),
        "last line cut: {jsonl:?}"
    );
    jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}")))
        .collect()
}

/// `v` without the fields that differ from run to run (timings).
fn steady(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !k.ends_with("elapsed_ms"))
                .map(|(k, v)| (k.clone(), steady(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(steady).collect()),
        Value::String(s) => Value::String(mask_ms(s)),
        other => other.clone(),
    }
}

/// `200 in 95 ms` → `200 in N ms`.
fn mask_ms(s: &str) -> String {
    let words: Vec<&str> = s.split(' ').collect();
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let timing = words.get(i + 1) == Some(&"ms") && w.bytes().all(|b| b.is_ascii_digit());
        out.push(if timing { "N" } else { w });
    }
    out.join(" ")
}

const MIXED: [Kind; 8] = [Pass, Warn, Fail, Pass, Hostile, Pass, Warn, Pass];

// ------------------------------------------------------------ --jsonl

#[test]
fn jsonl_is_one_json_entry_per_line_with_its_position() {
    let f = fleet(&MIXED, "5");
    let out = run(&f.args(&["--jsonl"]));
    assert_eq!(out.code, Some(1), "a domain failed: {}", out.stderr);
    let got = lines(&out.stdout);
    assert_eq!(got.len(), MIXED.len());
    let positions: Vec<usize> = got
        .iter()
        .map(|l| l["position"].as_u64().unwrap() as usize)
        .collect();
    let mut sorted = positions.clone();
    sorted.sort();
    assert_eq!(sorted, (0..MIXED.len()).collect::<Vec<_>>(), "each once");

    let json = run(&f.args(&["--json"]));
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    let entries = doc["domains"].as_array().unwrap();
    for line in &got {
        let position = line["position"].as_u64().unwrap() as usize;
        let mut entry = line.clone();
        entry.as_object_mut().unwrap().remove("position");
        assert_eq!(entry["domain"], f.names[position].as_str());
        assert_eq!(
            steady(&entry),
            steady(&entries[position]),
            "line {position} is the --json entry"
        );
        let expected = match MIXED[position] {
            Pass => "pass",
            Warn => "warn",
            _ => "fail",
        };
        assert_eq!(entry["verdict"], expected, "{}", entry["domain"]);
    }
}

#[test]
fn jsonl_prints_each_domain_as_it_completes() {
    // The first domain answers slowly; the others do not wait for it.
    let f = fleet(&[Slow, Pass, Pass, Pass], "10");
    let out = run(&f.args(&["--jsonl", "--no-smtp"]));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let order: Vec<u64> = lines(&out.stdout)
        .iter()
        .map(|l| l["position"].as_u64().unwrap())
        .collect();
    assert_eq!(order.len(), 4);
    assert_eq!(
        order.last(),
        Some(&0),
        "the slow domain comes last: {order:?}"
    );
}

// ------------------------------------------------------------ --csv

#[test]
fn csv_reads_back_one_row_per_domain_and_hostile_text_stays_in_its_cell() {
    let f = fleet(&MIXED, "5");
    let out = run(&f.args(&["--csv"]));
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    if std::env::var_os("MTASTS_SHOW_OUTPUT").is_some() {
        println!("{}", out.stdout);
    }
    assert!(
        !out.stdout.bytes().any(|b| b == 0x1b || b == b'\r'),
        "no raw control characters: {:?}",
        out.stdout
    );
    let mut reader = csv::Reader::from_reader(out.stdout.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "domain",
            "verdict",
            "mode",
            "failing",
            "warning",
            "first_failure",
            "position"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), MIXED.len());
    let mut seen = BTreeSet::new();
    for row in &rows {
        assert_eq!(row.len(), 7, "{row:?}");
        let position: usize = row[6].parse().unwrap();
        assert!(seen.insert(position));
        assert_eq!(row[0], f.names[position]);
        match MIXED[position] {
            Pass => {
                assert_eq!(&row[1], "pass");
                assert_eq!(&row[2], "enforce");
                assert_eq!((&row[3], &row[4], &row[5]), ("", "", ""));
            }
            Warn => {
                assert_eq!(&row[1], "warn");
                assert_eq!(&row[4], "tlsrpt.present");
            }
            Fail => {
                assert_eq!(&row[1], "fail");
                assert_eq!(&row[3], "record.present");
                assert!(row[5].contains("_mta-sts.d2.test"), "{}", &row[5]);
            }
            Hostile => {
                assert_eq!(&row[3], "record.syntax");
                let cell = &row[5];
                assert!(
                    cell.contains(r#"v=STSv1; id=x,"y"\r\n\x1b[31m=cmd()"#),
                    "the record, escaped, whole, in one cell: {cell}"
                );
                assert!(!cell.chars().any(char::is_control), "{cell:?}");
            }
            Hanging | Slow => unreachable!(),
        }
    }
}

// ------------------------------------------------------------ human output

#[test]
fn several_domains_print_a_line_per_pass_and_the_problems_of_the_rest() {
    let kinds = [Pass, Warn, Fail, Pass];
    let f = fleet(&kinds, "5");
    let out = run(&f.args(&["--color=never"]));
    assert_eq!(out.code, Some(1));
    let text = &out.stdout;
    if std::env::var_os("MTASTS_SHOW_OUTPUT").is_some() {
        println!("{}\n{text}", f.args(&[]).join(" "));
        for format in ["--csv", "--jsonl"] {
            println!("{}", run(&f.args(&[format, "--no-smtp"])).stdout);
        }
    }
    let blocks = blocks_of(text);
    assert_eq!(blocks.len(), 4, "{text}");
    for (name, kind) in f.names.iter().zip(kinds) {
        let block = &blocks[name.as_str()];
        match kind {
            Pass => assert_eq!(block.len(), 1, "one line: {block:?}"),
            Warn => {
                assert!(block[0].contains("WARN"), "{block:?}");
                assert!(block.iter().any(|l| l.contains("! tlsrpt.present")));
                assert!(block.iter().any(|l| l.trim_start().starts_with("fix:")));
            }
            Fail => {
                assert!(block[0].contains("FAIL"), "{block:?}");
                assert!(block.iter().any(|l| l.contains("✗ record.present")));
                assert!(block.iter().any(|l| l.trim_start().starts_with("fix:")));
            }
            _ => unreachable!(),
        }
        assert!(
            !block.iter().any(|l| l.contains('✓')),
            "no passes: {block:?}"
        );
    }
    assert!(
        text.contains("\n4 domains checked: 2 passed, 1 warned, 1 failed\n"),
        "{text}"
    );
    assert!(
        text.contains("most often failed: record.present (1)"),
        "{text}"
    );
    assert!(
        text.contains("most often warned: tlsrpt.present (1)"),
        "{text}"
    );

    let verbose = run(&f.args(&["--color=never", "--verbose"]));
    let text = &verbose.stdout;
    for name in &f.names {
        let block = &blocks_of(text)[name.as_str()];
        assert!(
            block.iter().any(|l| l.contains("✓ mx.present")),
            "every check of {name}: {block:?}"
        );
    }
    assert!(text.contains("most often failed: record.present (1)"));
}

/// The lines of each domain's block, by domain: a block starts at a line
/// `NAME  VERDICT  (N ms)` and runs until the next such line or a blank
/// line.
fn blocks_of(text: &str) -> std::collections::HashMap<&str, Vec<&str>> {
    let mut out: std::collections::HashMap<&str, Vec<&str>> = Default::default();
    let mut current = None;
    for line in text.lines() {
        if line.is_empty() {
            current = None;
            continue;
        }
        if !line.starts_with(' ') && line.ends_with(" ms)") {
            let name = line.split_whitespace().next().unwrap();
            current = Some(name);
        }
        if let Some(name) = current {
            out.entry(name).or_default().push(line);
        }
    }
    out
}

// ------------------------------------------------------------ --shard

/// The domains of each of `n` parts, from `--jsonl` runs; checks each
/// line's position against `names`, the input.
fn parts(f: &Fleet, list: &std::path::Path, names: &[String], n: u32) -> Vec<BTreeSet<String>> {
    (0..n)
        .map(|k| {
            let mut args = f.args.clone();
            args.extend([
                "--file".into(),
                list.display().to_string(),
                "--no-smtp".into(),
                "--jsonl".into(),
                "--shard".into(),
                format!("{k}/{n}"),
            ]);
            let out = run(&args);
            assert_eq!(out.code, Some(0), "{}", out.stderr);
            lines(&out.stdout)
                .iter()
                .map(|l| {
                    let d = l["domain"].as_str().unwrap().to_string();
                    let position = l["position"].as_u64().unwrap() as usize;
                    assert_eq!(names[position], d, "the position in the whole input");
                    d
                })
                .collect()
        })
        .collect()
}

#[test]
fn shards_cover_the_input_once_whatever_the_order_and_the_run() {
    let f = fleet(&[Pass; 24], "5");
    let all: BTreeSet<String> = f.names.iter().cloned().collect();
    let first = parts(&f, &f.list, &f.names, 3);
    let mut union = BTreeSet::new();
    for part in &first {
        assert!(!part.is_empty(), "24 names spread over 3 parts: {first:?}");
        for d in part {
            assert!(union.insert(d.clone()), "{d} in two parts");
        }
    }
    assert_eq!(union, all);
    // Another run, the list reversed: the same parts.
    let mut reversed = f.names.clone();
    reversed.reverse();
    let list = f.write_list("reversed.txt", &reversed);
    assert_eq!(parts(&f, &list, &reversed, 3), first);
    // One part of one: everything.
    assert_eq!(parts(&f, &f.list, &f.names, 1), vec![all]);
}

#[test]
fn an_empty_shard_prints_an_empty_result() {
    // example.test is in part 1 of 2 (see the unit test of the hash).
    let out = run(&[
        "check".into(),
        "example.test".into(),
        "--shard".into(),
        "0/2".into(),
        "--json".into(),
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "{\n  \"domains\": []\n}\n");
    let out = run(&["check".into(), "example.test".into(), "--shard=0/2".into()]);
    assert_eq!(out.code, Some(0));
    assert_eq!(
        out.stdout,
        "0 domains checked: 0 passed, 0 warned, 0 failed\n"
    );
}

#[test]
fn bad_shards_and_clashing_formats_are_usage_errors() {
    usage_error(
        &["check", "a.test", "--shard", "4/4"],
        &["--shard", "below N", "3/4"],
    );
    usage_error(&["check", "a.test", "--shard", "0/0"], &["at least 1"]);
    usage_error(&["check", "a.test", "--shard", "1"], &["K/N"]);
    usage_error(&["check", "a.test", "--shard", "x/2"], &["whole numbers"]);
    usage_error(&["check", "a.test", "--json", "--jsonl"], &["--jsonl"]);
    usage_error(&["check", "a.test", "--csv", "--json"], &["--csv"]);
    usage_error(&["check", "a.test", "--jsonl", "--csv"], &["--csv"]);
    usage_error(&["check", "a.test", "--csv", "--verbose"], &["--verbose"]);
}

// ------------------------------------------------------------ Ctrl-C

/// Starts `mtasts` with `args`, stdout piped and read line by line on a
/// thread.
fn spawn(args: &[String]) -> (Child, mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mtasts"))
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            }
        }
    });
    (child, rx)
}

fn interrupt(child: &Child) {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits for the exit, at most `limit`; the exit code and stderr.
fn exit_within(child: &mut Child, limit: Duration) -> (Option<i32>, String) {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .unwrap();
            return (status.code(), stderr);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("still running {limit:?} after Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Two domains whose DNS never answers (with a timeout of 60 s) among
/// fast ones.
const STUCK: [Kind; 6] = [Hanging, Pass, Warn, Pass, Fail, Hanging];

#[test]
fn ctrl_c_keeps_every_jsonl_line_whole_and_exits_130() {
    let f = fleet(&STUCK, "60");
    let (mut child, rx) = spawn(&f.args(&["--jsonl", "--no-smtp"]));
    // The four fast domains come out while the two others hang; then
    // Ctrl-C.
    let mut printed: Vec<String> = (0..4)
        .map(|_| rx.recv_timeout(Duration::from_secs(30)).expect("a line"))
        .collect();
    interrupt(&child);
    let (code, stderr) = exit_within(&mut child, Duration::from_secs(10));
    printed.extend(rx.iter());
    assert_eq!(code, Some(130), "{stderr}");
    let got = lines(&printed.concat());
    let positions: BTreeSet<u64> = got
        .iter()
        .map(|l| l["position"].as_u64().unwrap())
        .collect();
    assert_eq!(
        positions,
        BTreeSet::from([1, 2, 3, 4]),
        "the finished ones, not the hanging ones"
    );
    assert!(
        stderr.contains("interrupted: 2 of 6 domains not checked"),
        "{stderr}"
    );
}

#[test]
fn ctrl_c_ends_the_json_document_with_the_finished_domains() {
    let f = fleet(&STUCK, "60");
    let (mut child, rx) = spawn(&f.args(&["--json", "--no-smtp"]));
    // In input order nothing can be printed while d0 hangs; wait until
    // the four others fetched their policies, and a moment to judge.
    let started = Instant::now();
    while f.https.requests() < 4 {
        assert!(started.elapsed() < Duration::from_secs(30), "stuck");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_secs(2));
    interrupt(&child);
    let (code, stderr) = exit_within(&mut child, Duration::from_secs(10));
    let text: String = rx.iter().collect();
    assert_eq!(code, Some(130), "{stderr}");
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let names: Vec<&str> = doc["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["domain"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["d1.test", "d2.test", "d3.test", "d4.test"]);
}

#[test]
fn ctrl_c_in_human_output_says_the_run_was_interrupted() {
    let f = fleet(&STUCK, "60");
    let (mut child, rx) = spawn(&f.args(&["--no-smtp", "--color=never"]));
    let started = Instant::now();
    let mut printed = Vec::new();
    // Four fast domains; the warning and the failure print more lines.
    while printed
        .iter()
        .filter(|l: &&String| l.ends_with(" ms)\n"))
        .count()
        < 4
    {
        let left = Duration::from_secs(30).saturating_sub(started.elapsed());
        printed.push(rx.recv_timeout(left).expect("four domains done"));
    }
    interrupt(&child);
    let (code, stderr) = exit_within(&mut child, Duration::from_secs(10));
    printed.extend(rx.iter());
    let text = printed.concat();
    assert_eq!(code, Some(130), "{stderr}");
    assert!(
        text.contains(
            "\ninterrupted: 2 of 6 domains not checked, and not shown\n\
             4 domains checked: 2 passed, 1 warned, 1 failed\n"
        ),
        "{text}"
    );
    assert!(!text.contains("d0.test") && !text.contains("d5.test"));
}
