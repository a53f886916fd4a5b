//! Migration rule shared by every contract: same contract name, and never a downgrade.

/// `major.minor.patch` as a comparable tuple; a part that does not parse compares as the
/// highest value, so a foreign or malformed stored version is never taken as older.
fn parse(v: &str) -> (u64, u64, u64) {
    let mut parts = v.split('.').map(|p| p.parse::<u64>().unwrap_or(u64::MAX));
    (parts.next().unwrap_or(u64::MAX), parts.next().unwrap_or(u64::MAX), parts.next().unwrap_or(u64::MAX))
}

/// Whether migrating from `stored` to `current` is allowed (same or newer version).
pub fn is_upgrade(stored: &str, current: &str) -> bool {
    parse(stored) <= parse(current)
}

/// A refused migration: another contract's state, or a downgrade.
#[derive(thiserror::Error, Debug, PartialEq, Eq)]
#[error("cannot migrate from {from_name} {from_version} to {to_version}")]
pub struct MigrationRefused {
    pub from_name: String,
    pub from_version: String,
    pub to_version: String,
}

/// The `migrate` entry point of every Isthmus contract: check the stored cw2 name and
/// version, store the new version, and report both in events. `oldest` is the oldest stored
/// version whose state this code reads (a contract whose storage layout changed refuses what
/// came before the change, docs/storage.md).
pub fn migrate(
    storage: &mut dyn cosmwasm_std::Storage,
    name: &str,
    version: &str,
    oldest: &str,
) -> Result<Result<cosmwasm_std::Response, MigrationRefused>, cosmwasm_std::StdError> {
    let stored = cw2::get_contract_version(storage)?;
    if stored.contract != name || !is_upgrade(&stored.version, version) || !is_upgrade(oldest, &stored.version) {
        return Ok(Err(MigrationRefused {
            from_name: stored.contract,
            from_version: stored.version,
            to_version: version.to_string(),
        }));
    }
    cw2::set_contract_version(storage, name, version)?;
    Ok(Ok(cosmwasm_std::Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", stored.version)
        .add_attribute("to_version", version)))
}

#[cfg(test)]
mod tests {
    use super::is_upgrade;

    #[test]
    fn refuses_downgrades_and_garbage() {
        assert!(is_upgrade("0.1.0", "0.1.0"));
        assert!(is_upgrade("0.1.0", "0.2.0"));
        assert!(is_upgrade("0.9.9", "1.0.0"));
        assert!(!is_upgrade("0.2.0", "0.1.9"));
        assert!(!is_upgrade("banana", "0.1.0"));
    }

    #[test]
    fn refuses_state_older_than_the_code_reads() {
        let mut storage = cosmwasm_std::testing::MockStorage::new();
        cw2::set_contract_version(&mut storage, "engine", "0.1.0").unwrap();
        let refused = super::migrate(&mut storage, "engine", "0.2.0", "0.2.0").unwrap().unwrap_err();
        assert_eq!(refused.from_version, "0.1.0");
        assert_eq!(cw2::get_contract_version(&storage).unwrap().version, "0.1.0", "nothing written");
        assert!(super::migrate(&mut storage, "engine", "0.2.0", "0.1.0").unwrap().is_ok());
        assert_eq!(cw2::get_contract_version(&storage).unwrap().version, "0.2.0");
    }
}
