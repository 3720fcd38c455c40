//! MITRE ATT&CK: the embedded v19.1 tables and the resolution of `attack.*` tags.
//!
//! This module owns the ATT&CK data (tactics, techniques, groups, software, campaigns of the
//! Enterprise, Mobile and ICS domains, read from `data/attack/`) and the rules that turn a
//! Sigma tag into one of those objects, including the legacy tag forms older rules use. It
//! knows nothing of rules or pages: linking rules to ATT&CK is the catalog's job, and the
//! credit line that the ATT&CK licence asks for is the site's.
//!
//! The tables are compiled in with `include_str!` and parsed once by [`Attack::embedded`];
//! the caller keeps the result and passes it on. A lazily initialised global was the
//! alternative we rejected: it hides the dependency and makes tests share state.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use serde::Deserialize;

/// The three embedded tables, Enterprise first so that it wins where domains overlap.
const EMBEDDED: [(Domain, &str); 3] = [
    (Domain::Enterprise, include_str!("../data/attack/enterprise-attack.json")),
    (Domain::Mobile, include_str!("../data/attack/mobile-attack.json")),
    (Domain::Ics, include_str!("../data/attack/ics-attack.json")),
];

const SITE: &str = "https://attack.mitre.org";

/// An ATT&CK domain (matrix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Domain {
    /// Enterprise ATT&CK.
    Enterprise,
    /// Mobile ATT&CK.
    Mobile,
    /// ATT&CK for ICS.
    Ics,
}

impl Domain {
    /// The name people read: `Enterprise`, `Mobile`, `ICS`.
    pub fn label(self) -> &'static str {
        match self {
            Domain::Enterprise => "Enterprise",
            Domain::Mobile => "Mobile",
            Domain::Ics => "ICS",
        }
    }
}

/// A tactic: the adversary's goal, one column of a matrix.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Tactic {
    /// `TA0003`.
    pub id: String,
    /// `persistence`: the form Sigma tags use (with dashes).
    pub shortname: String,
    /// `Persistence`.
    pub name: String,
    /// The 1-based column in its domain's matrix.
    pub order: u32,
    /// The domain whose matrix it belongs to.
    pub domain: Domain,
    /// Whether MITRE has deprecated it.
    pub deprecated: bool,
}

/// A technique or sub-technique.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Technique {
    /// `T1546` or `T1546.003`.
    pub id: String,
    /// `Event Triggered Execution`.
    pub name: String,
    /// The shortnames of the tactics it serves, such as `persistence`.
    pub tactics: Vec<String>,
    /// For a sub-technique, the parent's id.
    pub parent: Option<String>,
    /// Whether MITRE has deprecated it.
    pub deprecated: bool,
    /// Whether MITRE has replaced it with another technique.
    pub revoked: bool,
    /// The current technique that replaces a revoked one (chains already followed).
    pub revoked_by: Option<String>,
    /// `Windows`, `Linux` and the like.
    pub platforms: Vec<String>,
    /// The domain it belongs to.
    pub domain: Domain,
}

/// A threat group.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Group {
    /// `G0007`.
    pub id: String,
    /// `APT28`.
    pub name: String,
    /// Other names the group goes by.
    pub aliases: Vec<String>,
    /// Whether MITRE has deprecated it.
    pub deprecated: bool,
    /// Whether MITRE has merged it into another group.
    pub revoked: bool,
    /// The group that replaces a revoked one.
    pub revoked_by: Option<String>,
    /// The domain it was read from (Enterprise where several list it).
    pub domain: Domain,
}

/// Whether a piece of software is malware or a tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SoftwareKind {
    /// Software written for malicious use.
    Malware,
    /// Software with legitimate uses that adversaries also use.
    Tool,
}

/// A piece of software: malware or a tool.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Software {
    /// `S0002`.
    pub id: String,
    /// `Mimikatz`.
    pub name: String,
    /// Malware or tool.
    pub kind: SoftwareKind,
    /// Other names it goes by.
    pub aliases: Vec<String>,
    /// The platforms it runs on.
    pub platforms: Vec<String>,
    /// Whether MITRE has deprecated it.
    pub deprecated: bool,
    /// Whether MITRE has merged it into another entry.
    pub revoked: bool,
    /// The entry that replaces a revoked one.
    pub revoked_by: Option<String>,
    /// The domain it was read from (Enterprise where several list it).
    pub domain: Domain,
}

/// A campaign: a set of intrusions with common targets and timing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Campaign {
    /// `C0001`.
    pub id: String,
    /// `Frankenstein`.
    pub name: String,
    /// Whether MITRE has deprecated it.
    pub deprecated: bool,
    /// Whether MITRE has merged it into another campaign.
    pub revoked: bool,
    /// The campaign that replaces a revoked one.
    pub revoked_by: Option<String>,
    /// The domain it was read from (Enterprise where several list it).
    pub domain: Domain,
}

/// What a tag names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag<'a> {
    /// `attack.persistence`, `attack.defense_evasion`, `attack.ta0003`.
    Tactic(&'a Tactic),
    /// `attack.t1546.003`, including revoked and deprecated ids.
    Technique(&'a Technique),
    /// `attack.g0007`.
    Group(&'a Group),
    /// `attack.s0002`.
    Software(&'a Software),
    /// `attack.c0001`.
    Campaign(&'a Campaign),
    /// An `attack.*` tag that names nothing in these tables.
    UnknownAttack,
    /// Not an `attack.*` tag at all, such as `cve.2021-44228`.
    Other,
}

impl Tag<'_> {
    /// The ATT&CK page of what the tag names, if it names something.
    pub fn url(&self) -> Option<String> {
        match self {
            Tag::Tactic(t) => Some(t.url()),
            Tag::Technique(t) => Some(t.url()),
            Tag::Group(g) => Some(g.url()),
            Tag::Software(s) => Some(s.url()),
            Tag::Campaign(c) => Some(c.url()),
            Tag::UnknownAttack | Tag::Other => None,
        }
    }
}

impl Tactic {
    /// `https://attack.mitre.org/tactics/TA0003/`.
    pub fn url(&self) -> String {
        format!("{SITE}/tactics/{}/", self.id)
    }
}

impl Technique {
    /// `https://attack.mitre.org/techniques/T1546/003/` (the dot becomes a slash).
    pub fn url(&self) -> String {
        format!("{SITE}/techniques/{}/", self.id.replacen('.', "/", 1))
    }

    /// Whether this is a sub-technique (`T1546.003`).
    pub fn is_subtechnique(&self) -> bool {
        self.parent.is_some()
    }
}

impl Group {
    /// `https://attack.mitre.org/groups/G0007/`.
    pub fn url(&self) -> String {
        format!("{SITE}/groups/{}/", self.id)
    }
}

impl Software {
    /// `https://attack.mitre.org/software/S0002/`.
    pub fn url(&self) -> String {
        format!("{SITE}/software/{}/", self.id)
    }
}

impl Campaign {
    /// `https://attack.mitre.org/campaigns/C0001/`.
    pub fn url(&self) -> String {
        format!("{SITE}/campaigns/{}/", self.id)
    }
}

/// The ATT&CK tables of all three domains, indexed for lookups.
#[derive(Debug, Clone)]
pub struct Attack {
    version: String,
    tactics: Vec<Tactic>,
    techniques: Vec<Technique>,
    groups: Vec<Group>,
    software: Vec<Software>,
    campaigns: Vec<Campaign>,
    index: Index,
}

/// Upper-case ids and shortnames to positions in `Attack`'s lists.
#[derive(Debug, Clone, Default)]
struct Index {
    tactics: HashMap<String, usize>,
    shortnames: HashMap<String, usize>,
    legacy_shortnames: HashMap<String, String>,
    techniques: HashMap<String, usize>,
    groups: HashMap<String, usize>,
    software: HashMap<String, usize>,
    campaigns: HashMap<String, usize>,
}

impl Attack {
    /// The tables compiled into detcat (ATT&CK v19.1).
    pub fn embedded() -> Attack {
        // The tables are fixed at build time and a unit test parses them, so a failure here
        // is a broken build, not bad user input.
        Attack::from_tables(&EMBEDDED).expect("the embedded ATT&CK tables are valid")
    }

    /// Reads tables in the `data/attack/` format, one JSON text per domain. Where an id
    /// appears in several tables, the first table's record is kept.
    pub fn from_tables(tables: &[(Domain, &str)]) -> Result<Attack, serde_json::Error> {
        let mut attack = Attack {
            version: String::new(),
            tactics: Vec::new(),
            techniques: Vec::new(),
            groups: Vec::new(),
            software: Vec::new(),
            campaigns: Vec::new(),
            index: Index::default(),
        };
        for (domain, text) in tables {
            attack.add(*domain, serde_json::from_str(text)?);
        }
        Ok(attack)
    }

    fn add(&mut self, domain: Domain, table: TableFile) {
        if self.version.is_empty() {
            self.version = table.attack_version;
        }
        for row in table.tactics {
            push_tactic(&mut self.tactics, &mut self.index, row.into_tactic(domain));
        }
        for (shortname, id) in table.legacy_tactic_shortnames {
            self.index.legacy_shortnames.entry(shortname.to_ascii_uppercase()).or_insert(id);
        }
        for row in table.techniques {
            push(&mut self.techniques, &mut self.index.techniques, row.into_technique(domain));
        }
        for row in table.groups {
            push(&mut self.groups, &mut self.index.groups, row.into_group(domain));
        }
        for row in table.software {
            push(&mut self.software, &mut self.index.software, row.into_software(domain));
        }
        for row in table.campaigns {
            push(&mut self.campaigns, &mut self.index.campaigns, row.into_campaign(domain));
        }
    }

    /// What `tag` names. Case does not matter; `_` in a tactic shortname counts as `-`;
    /// shortnames are looked up in Enterprise first, then in the previous release's
    /// shortnames (`defense-evasion` is TA0005), then in Mobile and ICS.
    pub fn resolve(&self, tag: &str) -> Tag<'_> {
        let tag = tag.trim();
        let prefix = "attack.";
        if !tag.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix)) {
            return Tag::Other;
        }
        let name = tag[prefix.len()..].to_ascii_uppercase();
        let found = match id_kind(&name) {
            Some(IdKind::Tactic) => self.tactic(&name).map(Tag::Tactic),
            Some(IdKind::Technique) => self.technique(&name).map(Tag::Technique),
            Some(IdKind::Group) => self.group(&name).map(Tag::Group),
            Some(IdKind::Software) => self.software(&name).map(Tag::Software),
            Some(IdKind::Campaign) => self.campaign(&name).map(Tag::Campaign),
            None => self.tactic_by_shortname(&name.replace('_', "-")).map(Tag::Tactic),
        };
        found.unwrap_or(Tag::UnknownAttack)
    }

    /// The technique or sub-technique with this id (`T1546.003`), in any domain.
    pub fn technique(&self, id: &str) -> Option<&Technique> {
        lookup(&self.techniques, &self.index.techniques, id)
    }

    /// The tactic with this id (`TA0003`), in any domain.
    pub fn tactic(&self, id: &str) -> Option<&Tactic> {
        lookup(&self.tactics, &self.index.tactics, id)
    }

    /// The tactic with this shortname (`persistence`, or the legacy `defense-evasion`),
    /// Enterprise first. Case does not matter; underscores are not turned into dashes here.
    pub fn tactic_by_shortname(&self, shortname: &str) -> Option<&Tactic> {
        let key = shortname.to_ascii_uppercase();
        let is_enterprise = |t: &&Tactic| t.domain == Domain::Enterprise;
        let direct = self.index.shortnames.get(&key).map(|&i| &self.tactics[i]);
        let legacy = || self.index.legacy_shortnames.get(&key).and_then(|id| self.tactic(id));
        match direct {
            Some(tactic) if is_enterprise(&tactic) => Some(tactic),
            other => legacy().or(other),
        }
    }

    /// The group with this id (`G0007`).
    pub fn group(&self, id: &str) -> Option<&Group> {
        lookup(&self.groups, &self.index.groups, id)
    }

    /// The software with this id (`S0002`).
    pub fn software(&self, id: &str) -> Option<&Software> {
        lookup(&self.software, &self.index.software, id)
    }

    /// The campaign with this id (`C0001`).
    pub fn campaign(&self, id: &str) -> Option<&Campaign> {
        lookup(&self.campaigns, &self.index.campaigns, id)
    }

    /// The current technique that replaces the revoked technique `id`; `None` when `id` is
    /// not revoked, is unknown, or MITRE named no successor.
    pub fn successor(&self, id: &str) -> Option<&Technique> {
        let technique = self.technique(id).filter(|t| t.revoked)?;
        self.technique(technique.revoked_by.as_deref()?)
    }

    /// The Enterprise tactics in matrix order.
    pub fn enterprise_tactics(&self) -> impl Iterator<Item = &Tactic> {
        self.tactics.iter().filter(|t| t.domain == Domain::Enterprise)
    }

    /// Every tactic, domain by domain, each in matrix order.
    pub fn tactics(&self) -> impl Iterator<Item = &Tactic> {
        self.tactics.iter()
    }

    /// Every technique and sub-technique, revoked and deprecated ones included, sorted by id
    /// within each domain with sub-techniques after their parent.
    pub fn techniques(&self) -> impl Iterator<Item = &Technique> {
        self.techniques.iter()
    }

    /// The ATT&CK release, `19.1`.
    pub fn version(&self) -> &str {
        &self.version
    }
}

/// Adds `record` unless its id is already known, keeping the first domain's record.
fn push<T: Record>(list: &mut Vec<T>, index: &mut HashMap<String, usize>, record: T) {
    if let Entry::Vacant(slot) = index.entry(record.id().to_ascii_uppercase()) {
        slot.insert(list.len());
        list.push(record);
    }
}

fn push_tactic(list: &mut Vec<Tactic>, index: &mut Index, tactic: Tactic) {
    index.shortnames.entry(tactic.shortname.to_ascii_uppercase()).or_insert(list.len());
    push(list, &mut index.tactics, tactic);
}

fn lookup<'a, T>(list: &'a [T], index: &HashMap<String, usize>, id: &str) -> Option<&'a T> {
    index.get(&id.to_ascii_uppercase()).map(|&i| &list[i])
}

/// Records that have an ATT&CK id.
trait Record {
    fn id(&self) -> &str;
}

macro_rules! record_ids {
    ($($ty:ty),*) => {
        $(impl Record for $ty {
            fn id(&self) -> &str {
                &self.id
            }
        })*
    };
}

record_ids!(Tactic, Technique, Group, Software, Campaign);

/// The kinds of object an upper-cased ATT&CK id can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IdKind {
    Tactic,
    Technique,
    Group,
    Software,
    Campaign,
}

/// Whether `id` is shaped like an ATT&CK technique id: `T` and four digits, optionally a dot
/// and three more (`T1546`, `T1546.003`). Upper case only; callers normalise first.
pub fn is_technique_id(id: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let Some(rest) = id.strip_prefix('T') else { return false };
    match rest.split_once('.') {
        Some((base, sub)) => digits(base, 4) && digits(sub, 3),
        None => digits(rest, 4),
    }
}

/// Which kind of id `name` is (`TA0003`, `T1546.003`, `G0007`, `S0002`, `C0001`), or `None`
/// when it is not shaped like an id and so may be a tactic shortname.
fn id_kind(name: &str) -> Option<IdKind> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = name.strip_prefix("TA") {
        return digits(rest).then_some(IdKind::Tactic);
    }
    let (kind, rest) = match name.split_at_checked(1)? {
        ("T", rest) => (IdKind::Technique, rest),
        ("G", rest) => (IdKind::Group, rest),
        ("S", rest) => (IdKind::Software, rest),
        ("C", rest) => (IdKind::Campaign, rest),
        _ => return None,
    };
    let shaped = match (kind, rest.split_once('.')) {
        (IdKind::Technique, Some((base, sub))) => digits(base) && digits(sub),
        _ => digits(rest),
    };
    shaped.then_some(kind)
}

/// The mirror of one `data/attack/*.json` file.
#[derive(Deserialize)]
struct TableFile {
    attack_version: String,
    tactics: Vec<TacticRow>,
    techniques: Vec<TechniqueRow>,
    groups: Vec<GroupRow>,
    software: Vec<SoftwareRow>,
    campaigns: Vec<CampaignRow>,
    #[serde(default)]
    legacy_tactic_shortnames: HashMap<String, String>,
}

#[derive(Deserialize)]
struct TacticRow {
    id: String,
    shortname: String,
    name: String,
    order: u32,
    deprecated: bool,
}

#[derive(Deserialize)]
struct TechniqueRow {
    id: String,
    name: String,
    tactics: Vec<String>,
    parent: Option<String>,
    deprecated: bool,
    revoked: bool,
    revoked_by: Option<String>,
    platforms: Vec<String>,
}

#[derive(Deserialize)]
struct GroupRow {
    id: String,
    name: String,
    aliases: Vec<String>,
    deprecated: bool,
    revoked: bool,
    revoked_by: Option<String>,
}

#[derive(Deserialize)]
struct SoftwareRow {
    id: String,
    name: String,
    #[serde(rename = "type")]
    kind: SoftwareKind,
    aliases: Vec<String>,
    platforms: Vec<String>,
    deprecated: bool,
    revoked: bool,
    revoked_by: Option<String>,
}

#[derive(Deserialize)]
struct CampaignRow {
    id: String,
    name: String,
    deprecated: bool,
    revoked: bool,
    revoked_by: Option<String>,
}

impl TacticRow {
    fn into_tactic(self, domain: Domain) -> Tactic {
        let TacticRow { id, shortname, name, order, deprecated } = self;
        Tactic { id, shortname, name, order, domain, deprecated }
    }
}

impl TechniqueRow {
    fn into_technique(self, domain: Domain) -> Technique {
        let TechniqueRow { id, name, tactics, parent, deprecated, revoked, revoked_by, platforms } =
            self;
        Technique { id, name, tactics, parent, deprecated, revoked, revoked_by, platforms, domain }
    }
}

impl GroupRow {
    fn into_group(self, domain: Domain) -> Group {
        let GroupRow { id, name, aliases, deprecated, revoked, revoked_by } = self;
        Group { id, name, aliases, deprecated, revoked, revoked_by, domain }
    }
}

impl SoftwareRow {
    fn into_software(self, domain: Domain) -> Software {
        let SoftwareRow { id, name, kind, aliases, platforms, deprecated, revoked, revoked_by } =
            self;
        Software { id, name, kind, aliases, platforms, deprecated, revoked, revoked_by, domain }
    }
}

impl CampaignRow {
    fn into_campaign(self, domain: Domain) -> Campaign {
        let CampaignRow { id, name, deprecated, revoked, revoked_by } = self;
        Campaign { id, name, deprecated, revoked, revoked_by, domain }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tactic_id(attack: &Attack, tag: &str) -> String {
        match attack.resolve(tag) {
            Tag::Tactic(t) => t.id.clone(),
            other => panic!("{tag} resolved to {other:?}"),
        }
    }

    fn technique<'a>(attack: &'a Attack, tag: &str) -> &'a Technique {
        match attack.resolve(tag) {
            Tag::Technique(t) => t,
            other => panic!("{tag} resolved to {other:?}"),
        }
    }

    #[test]
    fn embedded_tables_parse_with_their_counts() {
        let attack = Attack::embedded();
        assert_eq!(attack.version(), "19.1");
        assert_eq!(attack.enterprise_tactics().count(), 15);
        assert_eq!(attack.tactics().count(), 15 + 14 + 12);
        assert_eq!(attack.techniques().count(), 365 + 493 + 143 + 47 + 100 + 18);
    }

    #[test]
    fn tactic_tags_resolve_in_their_written_forms() {
        let attack = Attack::embedded();
        let persistence = attack.resolve("attack.persistence");
        assert!(matches!(persistence, Tag::Tactic(t) if t.name == "Persistence" && t.order == 5));
        assert_eq!(tactic_id(&attack, "attack.persistence"), "TA0003");
        assert_eq!(tactic_id(&attack, "attack.defense_evasion"), "TA0005");
        assert_eq!(tactic_id(&attack, "attack.defense-evasion"), "TA0005");
        assert_eq!(tactic_id(&attack, "attack.command_and_control"), "TA0011");
        assert_eq!(tactic_id(&attack, "Attack.Initial_Access"), "TA0001");
        assert_eq!(tactic_id(&attack, "attack.ta0003"), "TA0003");
    }

    #[test]
    fn enterprise_tactics_come_in_matrix_order() {
        let attack = Attack::embedded();
        let orders: Vec<u32> = attack.enterprise_tactics().map(|t| t.order).collect();
        assert_eq!(orders, (1..=15).collect::<Vec<_>>());
        assert_eq!(attack.tactic_by_shortname("stealth").map(|t| t.id.as_str()), Some("TA0005"));
    }

    #[test]
    fn revoked_technique_names_its_successor() {
        let attack = Attack::embedded();
        let old = technique(&attack, "attack.t1084");
        assert_eq!(old.id, "T1084");
        assert!(old.revoked);
        assert_eq!(attack.successor("T1084").map(|t| t.id.as_str()), Some("T1546.003"));
        assert_eq!(technique(&attack, "attack.T1084").id, "T1084");
        assert!(attack.successor("T1546.003").is_none());
    }

    #[test]
    fn revocation_chains_end_at_the_current_technique() {
        let attack = Attack::embedded();
        assert_eq!(attack.successor("T1150").map(|t| t.id.as_str()), Some("T1647"));
        assert_eq!(attack.successor("t1162").map(|t| t.id.as_str()), Some("T1647"));
        assert!(attack.successor("T1647").is_none_or(|t| !t.revoked));
    }

    #[test]
    fn subtechnique_has_parent_and_slashed_url() {
        let attack = Attack::embedded();
        let lsass = technique(&attack, "attack.t1003.001");
        assert_eq!(lsass.name, "LSASS Memory");
        assert_eq!(lsass.parent.as_deref(), Some("T1003"));
        assert!(lsass.is_subtechnique());
        let wmi = technique(&attack, "attack.t1546.003");
        assert_eq!(wmi.url(), "https://attack.mitre.org/techniques/T1546/003/");
        let parent = attack.technique("T1546").expect("T1546 exists");
        assert!(!parent.is_subtechnique());
        assert_eq!(parent.url(), "https://attack.mitre.org/techniques/T1546/");
    }

    #[test]
    fn tactic_group_and_software_urls_are_exact() {
        let attack = Attack::embedded();
        let tactic = attack.tactic("TA0003").expect("TA0003 exists");
        assert_eq!(tactic.url(), "https://attack.mitre.org/tactics/TA0003/");
        let Tag::Group(group) = attack.resolve("attack.g0007") else { panic!("no G0007") };
        assert_eq!(group.name, "APT28");
        assert_eq!(group.url(), "https://attack.mitre.org/groups/G0007/");
        let Tag::Software(tool) = attack.resolve("attack.s0002") else { panic!("no S0002") };
        assert_eq!((tool.name.as_str(), tool.kind), ("Mimikatz", SoftwareKind::Tool));
        assert_eq!(tool.url(), "https://attack.mitre.org/software/S0002/");
    }

    #[test]
    fn shared_software_id_keeps_the_enterprise_record() {
        let attack = Attack::embedded();
        let biscuit = attack.software("S0017").expect("S0017 exists");
        assert_eq!((biscuit.name.as_str(), biscuit.domain), ("BISCUIT", Domain::Enterprise));
    }

    #[test]
    fn tags_that_name_nothing_are_told_apart() {
        let attack = Attack::embedded();
        assert_eq!(attack.resolve("cve.2021-44228"), Tag::Other);
        assert_eq!(attack.resolve("detection.threat-hunting"), Tag::Other);
        assert_eq!(attack.resolve("attack.t9999"), Tag::UnknownAttack);
        assert_eq!(attack.resolve("attack.no_such_tactic"), Tag::UnknownAttack);
        assert_eq!(attack.resolve("attack."), Tag::UnknownAttack);
        assert_eq!(attack.resolve("attack.t1546."), Tag::UnknownAttack);
    }

    #[test]
    fn campaign_tags_resolve() {
        let attack = Attack::embedded();
        let Tag::Campaign(c) = attack.resolve("attack.c0001") else { panic!("no C0001") };
        assert_eq!(c.url(), "https://attack.mitre.org/campaigns/C0001/");
    }
}
