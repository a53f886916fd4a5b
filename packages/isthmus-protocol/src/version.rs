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
}
