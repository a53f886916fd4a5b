//! The one writer of the engine's replica of vault positions (docs/protocol.md §4).
//!
//! Every change of a [`RemotePosition`] goes through [`save`], which keeps the totals per
//! `(source, asset)` in step with the positions, and every reservation opened or closed goes
//! through [`reservation_opened`] / [`reservation_closed`], which keep the counts of seizes in
//! flight per account and per source. The per-source exposure cap and the health query read
//! these totals (docs/protocol.md §6); a reader checks this file to trust them.

use cosmwasm_std::{Storage, Uint128};
use isthmus_store::{codec_struct, Table};

use crate::error::ContractResult;
use crate::state::market::ACCOUNT_RESERVATIONS;
use crate::state::{RemoteKey, RemotePosition, Reservation, REMOTE_BY_ACCOUNT, REMOTE_POSITIONS};

/// Sums over the replicated positions of one `(source, asset)`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SourceAssetTotals {
    /// `Σ reported`.
    pub reported: Uint128,
    /// `Σ reserved` (seizes in flight).
    pub reserved: Uint128,
    /// `Σ usable`, each position's `reported − reserved` floored at zero: what accounts may
    /// count. It equals `reported − reserved` unless a position has more reserved than
    /// reported (a vault state that overtook a seize's acknowledgement).
    pub usable: Uint128,
}
codec_struct!(SourceAssetTotals { reported, reserved, usable });

/// `(source_id, asset key)` -> totals; written only by [`save`].
pub const SOURCE_TOTALS: Table<(&str, &str), SourceAssetTotals> = Table::new("source_totals");
/// Open reservations (seizes in flight) per source; written only by the reservation hooks.
pub const SOURCE_RESERVATIONS: Table<&str, u32> = Table::new("source_reservations");

/// Store `after` at `key`, which held `before` (`None`: a new position), and move the totals of
/// its `(source, asset)` by the difference, with checked arithmetic: subtract what `before`
/// contributed, add what `after` contributes. The account index follows the position's
/// account (written only when that changes).
pub fn save(
    storage: &mut dyn Storage,
    key: RemoteKey,
    before: Option<&RemotePosition>,
    after: &RemotePosition,
) -> ContractResult<()> {
    let (source_id, _, asset_key) = &key;
    let mut totals = SOURCE_TOTALS.may_load(storage, (source_id, asset_key))?.unwrap_or_default();
    if let Some(b) = before {
        totals.reported = totals.reported.checked_sub(b.reported)?;
        totals.reserved = totals.reserved.checked_sub(b.reserved)?;
        totals.usable = totals.usable.checked_sub(b.usable())?;
    }
    totals.reported = totals.reported.checked_add(after.reported)?;
    totals.reserved = totals.reserved.checked_add(after.reserved)?;
    totals.usable = totals.usable.checked_add(after.usable())?;
    SOURCE_TOTALS.save(storage, (source_id, asset_key), &totals)?;
    if before.map(|b| &b.account) != Some(&after.account) {
        if let Some(b) = before {
            REMOTE_BY_ACCOUNT.remove(storage, (b.account.clone(), key.clone()));
        }
        REMOTE_BY_ACCOUNT.save(storage, (after.account.clone(), key.clone()), &())?;
    }
    REMOTE_POSITIONS.save(storage, key, after)?;
    Ok(())
}

/// Count a new reservation against its account and its source.
pub fn reservation_opened(storage: &mut dyn Storage, reservation: &Reservation) -> ContractResult<()> {
    let open = ACCOUNT_RESERVATIONS.may_load(storage, &reservation.account)?.unwrap_or(0);
    ACCOUNT_RESERVATIONS.save(storage, &reservation.account, &open.saturating_add(1))?;
    let open = SOURCE_RESERVATIONS.may_load(storage, &reservation.source_id)?.unwrap_or(0);
    SOURCE_RESERVATIONS.save(storage, &reservation.source_id, &open.saturating_add(1))?;
    Ok(())
}

/// Uncount a reservation consumed, released or expired. Saturating: a reservation opened before
/// a count existed closes without having been counted (counts of `u32` never overflow: the
/// controller bounds seizes in flight).
pub fn reservation_closed(storage: &mut dyn Storage, reservation: &Reservation) -> ContractResult<()> {
    let open = ACCOUNT_RESERVATIONS.may_load(storage, &reservation.account)?.unwrap_or(0);
    ACCOUNT_RESERVATIONS.save(storage, &reservation.account, &open.saturating_sub(1))?;
    let open = SOURCE_RESERVATIONS.may_load(storage, &reservation.source_id)?.unwrap_or(0);
    SOURCE_RESERVATIONS.save(storage, &reservation.source_id, &open.saturating_sub(1))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use cosmwasm_std::testing::MockStorage;
    use cosmwasm_std::{Order, Timestamp};
    use isthmus_protocol::asset::AssetInfo;

    use super::*;
    use crate::state::remote_key;

    fn position(owner: &str, asset: &str, reported: u128, reserved: u128) -> RemotePosition {
        bound_to("acct", owner, asset, reported, reserved)
    }

    fn bound_to(account: &str, owner: &str, asset: &str, reported: u128, reserved: u128) -> RemotePosition {
        RemotePosition {
            source_id: "hub".into(),
            owner: owner.into(),
            account: account.into(),
            asset: AssetInfo::Native(asset.into()),
            reported: Uint128::new(reported),
            reserved: Uint128::new(reserved),
            seq: 1,
            updated_at: Timestamp::from_seconds(1),
            unconfirmed: false,
        }
    }

    /// Recomputes the totals from the positions, independently of `save`.
    fn recomputed(storage: &dyn Storage, asset: &str) -> SourceAssetTotals {
        let mut t = SourceAssetTotals::default();
        for item in REMOTE_POSITIONS.range(storage, None, None, Order::Ascending) {
            let (_, p) = item.unwrap();
            if p.asset.key() == AssetInfo::Native(asset.into()).key() {
                t.reported += p.reported;
                t.reserved += p.reserved;
                t.usable += p.reported.saturating_sub(p.reserved);
            }
        }
        t
    }

    /// The account index, recomputed from the positions: `(account, key)` pairs in order.
    fn index_recomputed(storage: &dyn Storage) -> Vec<(String, RemoteKey)> {
        let mut pairs: Vec<(String, RemoteKey)> = REMOTE_POSITIONS
            .range(storage, None, None, Order::Ascending)
            .map(|item| item.map(|(k, p)| (p.account, k)))
            .collect::<cosmwasm_std::StdResult<_>>()
            .unwrap();
        pairs.sort();
        pairs
    }

    fn index_stored(storage: &dyn Storage) -> Vec<(String, RemoteKey)> {
        let mut pairs: Vec<(String, RemoteKey)> = REMOTE_BY_ACCOUNT
            .keys(storage, None, None, Order::Ascending)
            .collect::<cosmwasm_std::StdResult<_>>()
            .unwrap();
        pairs.sort();
        pairs
    }

    /// A pseudo-random walk of writes (new positions, reports, reservations, a reservation
    /// above the reported amount, a position re-bound to another account) keeps the totals
    /// equal to the sums over the positions, and the account index equal to the positions'
    /// accounts.
    #[test]
    fn totals_follow_every_write() {
        let mut storage = MockStorage::new();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        for _ in 0..500 {
            let owner = ["a", "b", "c", "d"][next(4) as usize];
            let asset = ["uatom", "uosmo"][next(2) as usize];
            let key = remote_key("hub", owner, &AssetInfo::Native(asset.into()));
            let before = REMOTE_POSITIONS.may_load(&storage, key.clone()).unwrap();
            let account = ["acct", "other"][next(2) as usize];
            let after = bound_to(account, owner, asset, u128::from(next(1_000)), u128::from(next(300)));
            save(&mut storage, key, before.as_ref(), &after).unwrap();
            assert_eq!(index_stored(&storage), index_recomputed(&storage));
            for asset in ["uatom", "uosmo"] {
                let asset_key = AssetInfo::Native(asset.into()).key();
                let stored = SOURCE_TOTALS.may_load(&storage, ("hub", &asset_key)).unwrap().unwrap_or_default();
                assert_eq!(stored, recomputed(&storage, asset));
            }
        }
        // a `before` that was never added cannot be subtracted: an error, nothing written
        let key = remote_key("hub", "z", &AssetInfo::Native("uatom".into()));
        let ghost = position("z", "uatom", u128::MAX, 0);
        assert!(save(&mut storage, key.clone(), Some(&ghost), &ghost).is_err());
        assert!(REMOTE_POSITIONS.may_load(&storage, key).unwrap().is_none());
    }

    #[test]
    fn reservation_counts_per_account_and_source() {
        let mut storage = MockStorage::new();
        let r = Reservation {
            account: "acct".into(),
            source_id: "hub".into(),
            owner: "o".into(),
            asset: AssetInfo::Native("uatom".into()),
            amount: Uint128::new(5),
            created_at: Timestamp::from_seconds(1),
            controller: None,
        };
        reservation_opened(&mut storage, &r).unwrap();
        reservation_opened(&mut storage, &r).unwrap();
        reservation_closed(&mut storage, &r).unwrap();
        assert_eq!(SOURCE_RESERVATIONS.load(&storage, "hub").unwrap(), 1);
        assert_eq!(ACCOUNT_RESERVATIONS.load(&storage, "acct").unwrap(), 1);
        reservation_closed(&mut storage, &r).unwrap();
        reservation_closed(&mut storage, &r).unwrap();
        assert_eq!(SOURCE_RESERVATIONS.load(&storage, "hub").unwrap(), 0);
    }
}
