//! Rule tags resolved against ATT&CK: tactics, techniques (revoked ones followed to their
//! successor), groups, software, and everything else as other tags.

use crate::attack::{Attack, Tag};

/// A technique a rule is tagged with.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TechniqueTag {
    /// The id as tagged, such as `T1084`.
    pub id: String,
    /// The id to link and to count coverage under: the successor of a revoked technique,
    /// else `id` itself.
    pub current: String,
    /// Whether ATT&CK revoked `id`.
    pub revoked: bool,
    /// Whether ATT&CK deprecated `id`.
    pub deprecated: bool,
}

/// What a rule's tags name.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RuleAttack {
    /// Tactic ids (`TA0003`), in tag order.
    pub tactics: Vec<String>,
    /// Techniques and sub-techniques, in tag order.
    pub techniques: Vec<TechniqueTag>,
    /// Group ids (`G0007`).
    pub groups: Vec<String>,
    /// Software ids (`S0002`).
    pub software: Vec<String>,
    /// Campaign ids (`C0001`).
    pub campaigns: Vec<String>,
    /// `attack.*` tags that name nothing in ATT&CK.
    pub unknown: Vec<String>,
    /// Tags of other namespaces (cve, car, detection, custom), as written.
    pub other: Vec<String>,
}

impl RuleAttack {
    /// Resolves `tags` one by one; duplicates are dropped.
    pub fn resolve(tags: &[String], attack: &Attack) -> RuleAttack {
        let mut out = RuleAttack::default();
        for tag in tags {
            out.add(tag, attack);
        }
        out
    }

    fn add(&mut self, tag: &str, attack: &Attack) {
        match attack.resolve(tag) {
            Tag::Tactic(t) => push_unique(&mut self.tactics, &t.id),
            Tag::Technique(t) => {
                if !self.techniques.iter().any(|seen| seen.id == t.id) {
                    let current = attack.successor(&t.id).map_or(t.id.clone(), |s| s.id.clone());
                    let (revoked, deprecated) = (t.revoked, t.deprecated);
                    self.techniques.push(TechniqueTag {
                        id: t.id.clone(),
                        current,
                        revoked,
                        deprecated,
                    });
                }
            }
            Tag::Group(g) => push_unique(&mut self.groups, &g.id),
            Tag::Software(s) => push_unique(&mut self.software, &s.id),
            Tag::Campaign(c) => push_unique(&mut self.campaigns, &c.id),
            Tag::UnknownAttack => push_unique(&mut self.unknown, tag),
            Tag::Other => push_unique(&mut self.other, tag),
        }
    }

    /// The technique ids to link triggers and ATT&CK pages under.
    pub fn current_techniques(&self) -> impl Iterator<Item = &str> {
        self.techniques.iter().map(|t| t.current.as_str())
    }
}

fn push_unique(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|seen| seen == item) {
        list.push(item.to_string());
    }
}
