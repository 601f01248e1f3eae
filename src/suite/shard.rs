//! Splitting a run across CI machines: `--shard i/n` runs the i-th of n parts of the same
//! plan, and `vouch report merge` joins their reports into the report of the whole run.
//!
//! A part is a set of chained groups: a step together with every later step that uses a
//! variable it extracts (and, transitively, theirs), so a chain is never split. Groups are
//! dealt out in plan order to the part with the fewest steps so far: every machine computes
//! the same split from the same plan, with no coordination.

use std::collections::HashMap;

use super::Step;

/// Errors of this module.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    /// Not `i/n` with 1 ≤ i ≤ n.
    #[error("`{text}` is not a shard: expected i/n with 1 <= i <= n, e.g. 2/3")]
    Bad {
        /// What was given.
        text: String,
    },
}

/// The i-th of n parts of a run (1-based, as CI matrices count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// Which part, from 1.
    pub index: usize,
    /// How many parts.
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = ShardError;

    fn from_str(text: &str) -> Result<Shard, ShardError> {
        let bad = || ShardError::Bad { text: text.into() };
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            i.trim().parse::<usize>().map_err(|_| bad())?,
            n.trim().parse::<usize>().map_err(|_| bad())?,
        );
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// The positions (in `steps`) of the steps this part runs, in plan order.
    pub fn pick(&self, steps: &[Step]) -> Vec<usize> {
        let mut load = vec![0usize; self.count];
        let mut mine = Vec::new();
        for group in chained_groups(steps) {
            // The least loaded part takes the group; ties go to the lowest part.
            let part = (0..self.count).min_by_key(|&p| (load[p], p)).unwrap_or(0);
            load[part] += group.len();
            if part + 1 == self.index {
                mine.extend(group);
            }
        }
        mine.sort_unstable();
        mine
    }
}

/// The `{{name}}`s a step reads: in its request and in what its assertions expect.
fn reads(step: &Step) -> Vec<String> {
    let text = format!(
        "{} {}",
        serde_json::to_string(&step.draft).unwrap_or_default(),
        serde_json::to_string(&step.assertions).unwrap_or_default()
    );
    crate::request::variable_names(&text)
        .map(str::to_string)
        .collect()
}

/// Steps that must run in one part, as position lists ordered by their first step.
pub fn chained_groups(steps: &[Step]) -> Vec<Vec<usize>> {
    // Union-find over positions: a step joins the group of the latest earlier step that
    // extracts a variable it reads.
    let mut parent: Vec<usize> = (0..steps.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut extracted_by: HashMap<String, usize> = HashMap::new();
    for (i, step) in steps.iter().enumerate() {
        for name in reads(step) {
            if let Some(&from) = extracted_by.get(&name) {
                let (a, b) = (root(&mut parent, from), root(&mut parent, i));
                parent[a.max(b)] = a.min(b);
            }
        }
        for x in &step.extractions {
            extracted_by.insert(x.var.clone(), i);
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut index_of: HashMap<usize, usize> = HashMap::new();
    for i in 0..steps.len() {
        let r = root(&mut parent, i);
        let g = *index_of.entry(r).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Draft;
    use crate::suite::{Extraction, Source};

    fn step(name: &str, path: &str, extracts: Option<&str>) -> Step {
        Step {
            name: name.into(),
            operation_id: None,
            draft: Draft {
                method: "GET".into(),
                path: path.into(),
                ..Draft::default()
            },
            assertions: Vec::new(),
            extractions: extracts
                .map(|v| Extraction {
                    var: v.into(),
                    from: Source::Json { path: "/id".into() },
                })
                .into_iter()
                .collect(),
            timeout: None,
            retries: 0,
        }
    }

    #[test]
    fn chains_stay_whole_and_parts_balance() {
        let steps = vec![
            step("login", "/login", Some("token")),
            step("a", "/a", None),
            step("create", "/items?t={{token}}", Some("id")),
            step("b", "/b", None),
            step("read", "/items/{{ id }}", None),
            step("c", "/c", None),
            step("d", "/d", None),
        ];
        assert_eq!(
            chained_groups(&steps),
            vec![vec![0, 2, 4], vec![1], vec![3], vec![5], vec![6]]
        );
        let parts: Vec<Vec<usize>> = (1..=3)
            .map(|i| Shard { index: i, count: 3 }.pick(&steps))
            .collect();
        assert_eq!(parts, vec![vec![0, 2, 4], vec![1, 5], vec![3, 6]]);
        let mut all: Vec<usize> = parts.concat();
        all.sort_unstable();
        assert_eq!(
            all,
            (0..7).collect::<Vec<_>>(),
            "every step in exactly one part"
        );
    }

    #[test]
    fn shards_are_read_from_i_slash_n() {
        assert_eq!(
            "2/3".parse::<Shard>().ok(),
            Some(Shard { index: 2, count: 3 })
        );
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", ""] {
            let e = bad.parse::<Shard>().expect_err(bad);
            assert!(e.to_string().contains("expected i/n"), "{e}");
        }
    }
}
