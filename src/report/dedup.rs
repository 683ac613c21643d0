//! Deduplication: a copy of a report already counted is not counted
//! again, whichever thread read which copy first.
//!
//! A copy is the same report read again: the same reporter, report-id
//! and content (what mtasts reads of it, however it is formatted), as
//! when a report sits in a mailbox and, saved, in a directory too. Two
//! different reports that share a reporter's id are not copies of each
//! other: a mail admin expects every session a reporter counted to be
//! counted once, so each is counted, and the note says so. A report
//! without an id is a copy only of one with identical content.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasher, RandomState};

use super::notes::{Note, Oddity};

/// Reports seen, by reporter and report-id (RFC 8460 §4.4: the id is
/// unique per reporter, not across reporters), and by content: a copy of
/// a report already counted is not counted again, but a different report
/// that reuses its id (a reporter's bug, or a forgery) is, so that which
/// one counts never depends on which a thread read first.
#[derive(Default)]
pub struct Seen {
    /// Hash of the key (reporter, id) → (content of the first copy read,
    /// copies read): some bytes per report, whatever its id's length.
    copies: HashMap<u64, (u64, u32)>,
    /// Further contents under a key already seen.
    variants: HashSet<(u64, u64)>,
    /// Keys read more than once: the key as text → its hash and the
    /// (organisation, id) as shown.
    repeated: BTreeMap<String, (u64, (String, Option<String>))>,
    /// Keys are hashed with a random key, so that ids cannot be made to
    /// collide.
    keys: RandomState,
}

impl Seen {
    /// Whether to count this report: the first time its content is seen
    /// under its key (its reporter and id; without an id, its reporter and
    /// content).
    pub fn count(
        &mut self,
        reporter: &str,
        organization: &str,
        id: Option<&str>,
        content: u64,
    ) -> bool {
        let key = match id {
            Some(id) => self.keys.hash_one((reporter, Some(id), 0)),
            None => self.keys.hash_one((reporter, None::<&str>, content)),
        };
        let entry = self.copies.entry(key).or_insert((content, 0));
        entry.1 += 1;
        if entry.1 == 1 {
            return true;
        }
        let new = entry.0 != content && self.variants.insert((key, content));
        // The smallest spelling, whichever copy came first.
        let shown = (organization.to_string(), id.map(str::to_string));
        let text = match id {
            Some(id) => format!("{reporter}\0{id}"),
            None => format!("{reporter}\0\0{content:016x}"),
        };
        match self.repeated.get_mut(&text) {
            Some((_, s)) if *s <= shown => {}
            Some((_, s)) => *s = shown,
            None => {
                self.repeated.insert(text, (key, shown));
            }
        }
        new
    }

    /// One note per report read more than once (or id that different
    /// reports share).
    pub fn notes(&self) -> Vec<(String, Oddity)> {
        let mut versions: HashMap<u64, u32> = HashMap::new();
        for (key, _) in &self.variants {
            *versions.entry(*key).or_insert(1) += 1;
        }
        self.repeated
            .values()
            .map(|(key, (organization, id))| {
                let n = self.copies.get(key).map_or(2, |c| c.1);
                let note = match versions.get(key) {
                    Some(&versions) => Note::IdReused { times: n, versions },
                    None => Note::Duplicate { times: n },
                };
                let source = match id {
                    Some(id) => format!("report {id} from {organization}"),
                    None => format!("a report without an id from {organization}"),
                };
                (
                    source,
                    Oddity {
                        reporter: organization.clone(),
                        report_id: id.clone(),
                        note,
                    },
                )
            })
            .collect()
    }
}
