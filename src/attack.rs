//! attack (stub: replaced by the embedded tables on the entities branch).
#![allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Domain {
    Enterprise,
    Mobile,
    Ics,
}
#[derive(Debug, Clone, serde::Serialize)]
pub struct Tactic {
    pub id: String,
    pub shortname: String,
    pub name: String,
    pub order: u32,
    pub domain: Domain,
}
#[derive(Debug, Clone, serde::Serialize)]
pub struct Technique {
    pub id: String,
    pub name: String,
    pub tactics: Vec<String>,
    pub parent: Option<String>,
    pub deprecated: bool,
    pub revoked: bool,
    pub revoked_by: Option<String>,
    pub platforms: Vec<String>,
    pub domain: Domain,
}
#[derive(Debug, Clone, serde::Serialize)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
}
#[derive(Debug, Clone, serde::Serialize)]
pub struct Software {
    pub id: String,
    pub name: String,
    pub kind: String,
}
#[derive(Debug, Clone, serde::Serialize)]
pub struct Campaign {
    pub id: String,
    pub name: String,
}
pub enum Tag<'a> {
    Tactic(&'a Tactic),
    Technique(&'a Technique),
    Group(&'a Group),
    Software(&'a Software),
    Campaign(&'a Campaign),
    UnknownAttack,
    Other,
}
pub struct Attack {
    tactics: Vec<Tactic>,
    techniques: Vec<Technique>,
}
impl Attack {
    pub fn embedded() -> Attack {
        Attack { tactics: vec![], techniques: vec![] }
    }
    pub fn resolve(&self, _tag: &str) -> Tag<'_> {
        Tag::Other
    }
    pub fn technique(&self, id: &str) -> Option<&Technique> {
        self.techniques.iter().find(|t| t.id == id)
    }
    pub fn tactic(&self, id: &str) -> Option<&Tactic> {
        self.tactics.iter().find(|t| t.id == id)
    }
    pub fn tactic_by_shortname(&self, s: &str) -> Option<&Tactic> {
        self.tactics.iter().find(|t| t.shortname == s)
    }
    pub fn successor(&self, id: &str) -> Option<&Technique> {
        self.technique(id).and_then(|t| t.revoked_by.as_deref()).and_then(|s| self.technique(s))
    }
    pub fn enterprise_tactics(&self) -> impl Iterator<Item = &Tactic> {
        self.tactics.iter()
    }
    pub fn version(&self) -> &str {
        "19.1"
    }
}
impl Tactic {
    pub fn url(&self) -> String {
        format!("https://attack.mitre.org/tactics/{}/", self.id)
    }
}
impl Technique {
    pub fn url(&self) -> String {
        format!("https://attack.mitre.org/techniques/{}/", self.id.replace('.', "/"))
    }
    pub fn is_subtechnique(&self) -> bool {
        self.parent.is_some()
    }
}
impl Group {
    pub fn url(&self) -> String {
        format!("https://attack.mitre.org/groups/{}/", self.id)
    }
}
impl Software {
    pub fn url(&self) -> String {
        format!("https://attack.mitre.org/software/{}/", self.id)
    }
}
