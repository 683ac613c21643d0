//! Progress on stderr while reports are read: only when stderr is a
//! terminal, and only for large inputs (many files, or a read that takes
//! a while), so that pipes, scripts and small runs see nothing.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Files found, or time spent, after which progress is shown.
const FILES: usize = 1000;
const AFTER: Duration = Duration::from_millis(500);

pub struct Progress {
    bar: ProgressBar,
    started: Instant,
    shown: AtomicBool,
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner())
}

impl Progress {
    /// `None` unless stderr is a terminal.
    pub fn for_stderr() -> Option<Progress> {
        std::io::stderr().is_terminal().then(|| Progress {
            bar: ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())
                .with_style(style("{spinner} {pos} files read {elapsed}")),
            started: Instant::now(),
            shown: AtomicBool::new(false),
        })
    }

    fn show(&self) {
        if !self.shown.swap(true, Ordering::Relaxed) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.bar.enable_steady_tick(Duration::from_millis(100));
            self.bar.tick();
        }
    }

    /// The walk has found this many files so far.
    pub fn found(&self, files: usize) {
        if files >= FILES {
            self.show();
        }
    }

    /// The walk is over: from now on, a bar towards the total.
    pub fn walked(&self, files: usize) {
        self.bar.set_length(files as u64);
        self.bar
            .set_style(style("{wide_bar} {pos}/{len} files read {elapsed}"));
    }

    /// `n` more files read (0: still reading a large one).
    pub fn read(&self, n: usize) {
        self.bar.inc(n as u64);
        if !self.shown.load(Ordering::Relaxed) && self.started.elapsed() >= AFTER {
            self.show();
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
