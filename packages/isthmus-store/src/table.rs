//! Maps and single values over [`Codec`] values, keyed exactly as cw-storage-plus keys its
//! `Map` and `Item` (length-prefixed namespaces), so that a key computed by cw-storage-plus
//! or by a raw-key query finds the same entry.

use std::any::type_name;
use std::marker::PhantomData;

use cosmwasm_std::storage_keys::to_length_prefixed_nested;
use cosmwasm_std::{Order, StdError, StdResult, Storage};
use cw_storage_plus::{range_with_prefix, Bound, KeyDeserialize, Map, Prefixer, PrimaryKey};

use crate::codec::{decode, encode, Codec};

fn not_found<V>() -> StdError {
    StdError::not_found(type_name::<V>())
}

/// A map from `K` to `V`, the counterpart of cw-storage-plus's `Map<K, V>`.
pub struct Table<K, V> {
    namespace: &'static str,
    kv: PhantomData<(K, V)>,
}

impl<K, V> Table<K, V> {
    pub const fn new(namespace: &'static str) -> Self {
        Table { namespace, kv: PhantomData }
    }
}

impl<'a, K: PrimaryKey<'a>, V: Codec> Table<K, V> {
    /// The full storage key of `k` (the same bytes as cw-storage-plus's `Map::key`).
    pub fn key(&self, k: K) -> Vec<u8> {
        Map::<K, ()>::new(self.namespace).key(k).to_vec()
    }

    pub fn save(&self, store: &mut dyn Storage, k: K, value: &V) -> StdResult<()> {
        store.set(&self.key(k), &encode(value));
        Ok(())
    }

    pub fn remove(&self, store: &mut dyn Storage, k: K) {
        store.remove(&self.key(k))
    }

    pub fn may_load(&self, store: &dyn Storage, k: K) -> StdResult<Option<V>> {
        store.get(&self.key(k)).map(|bytes| decode(&bytes)).transpose()
    }

    pub fn load(&self, store: &dyn Storage, k: K) -> StdResult<V> {
        self.may_load(store, k)?.ok_or_else(not_found::<V>)
    }

    pub fn has(&self, store: &dyn Storage, k: K) -> bool {
        store.get(&self.key(k)).is_some()
    }

    /// Load (or `None`), change with `action`, save what it returns.
    pub fn update<E: From<StdError>>(
        &self,
        store: &mut dyn Storage,
        k: K,
        action: impl FnOnce(Option<V>) -> Result<V, E>,
    ) -> Result<V, E> {
        let key = self.key(k);
        let before = store.get(&key).map(|bytes| decode(&bytes)).transpose()?;
        let after = action(before)?;
        store.set(&key, &encode(&after));
        Ok(after)
    }

    /// The entries whose key starts with `p`.
    pub fn prefix(&self, p: K::Prefix) -> TablePrefix<K::Suffix, V> {
        TablePrefix::new(self.namespace, &p.prefix())
    }

    /// The entries whose key starts with `p` (a prefix of the prefix).
    pub fn sub_prefix(&self, p: K::SubPrefix) -> TablePrefix<K::SuperSuffix, V> {
        TablePrefix::new(self.namespace, &p.prefix())
    }
}

impl<'a, K: PrimaryKey<'a> + KeyDeserialize, V: Codec + 'static> Table<K, V> {
    /// Every entry, in key order within bounds.
    pub fn range<'c>(
        &self,
        store: &'c dyn Storage,
        min: Option<Bound<'a, K>>,
        max: Option<Bound<'a, K>>,
        order: Order,
    ) -> Box<dyn Iterator<Item = StdResult<(K::Output, V)>> + 'c>
    where
        K::Output: 'static,
    {
        TablePrefix::<K, V>::new(self.namespace, &[]).range(store, min, max, order)
    }

    pub fn keys<'c>(
        &self,
        store: &'c dyn Storage,
        min: Option<Bound<'a, K>>,
        max: Option<Bound<'a, K>>,
        order: Order,
    ) -> Box<dyn Iterator<Item = StdResult<K::Output>> + 'c>
    where
        K::Output: 'static,
    {
        TablePrefix::<K, V>::new(self.namespace, &[]).keys(store, min, max, order)
    }
}

/// The entries of a [`Table`] under one key prefix; `B` is the rest of the key.
pub struct TablePrefix<B, V> {
    prefix: Vec<u8>,
    bv: PhantomData<(B, V)>,
}

impl<B, V> TablePrefix<B, V> {
    fn new(namespace: &str, keys: &[cw_storage_plus::Key]) -> Self {
        let mut parts: Vec<&[u8]> = Vec::with_capacity(1 + keys.len());
        parts.push(namespace.as_bytes());
        parts.extend(keys.iter().map(|k| k.as_ref()));
        TablePrefix { prefix: to_length_prefixed_nested(&parts), bv: PhantomData }
    }
}

impl<'b, B: PrimaryKey<'b> + KeyDeserialize, V: Codec + 'static> TablePrefix<B, V>
where
    B::Output: 'static,
{
    pub fn range<'c>(
        &self,
        store: &'c dyn Storage,
        min: Option<Bound<'b, B>>,
        max: Option<Bound<'b, B>>,
        order: Order,
    ) -> Box<dyn Iterator<Item = StdResult<(B::Output, V)>> + 'c> {
        let records =
            range_with_prefix(store, &self.prefix, min.map(|b| b.to_raw_bound()), max.map(|b| b.to_raw_bound()), order);
        Box::new(records.map(|(k, v)| Ok((B::from_vec(k)?, decode(&v)?))))
    }

    pub fn keys<'c>(
        &self,
        store: &'c dyn Storage,
        min: Option<Bound<'b, B>>,
        max: Option<Bound<'b, B>>,
        order: Order,
    ) -> Box<dyn Iterator<Item = StdResult<B::Output>> + 'c> {
        let records =
            range_with_prefix(store, &self.prefix, min.map(|b| b.to_raw_bound()), max.map(|b| b.to_raw_bound()), order);
        Box::new(records.map(|(k, _)| B::from_vec(k)))
    }
}

/// A single value, the counterpart of cw-storage-plus's `Item<V>` (stored at its namespace).
pub struct Cell<V> {
    key: &'static str,
    v: PhantomData<V>,
}

impl<V: Codec> Cell<V> {
    pub const fn new(key: &'static str) -> Self {
        Cell { key, v: PhantomData }
    }

    pub fn save(&self, store: &mut dyn Storage, value: &V) -> StdResult<()> {
        store.set(self.key.as_bytes(), &encode(value));
        Ok(())
    }

    pub fn may_load(&self, store: &dyn Storage) -> StdResult<Option<V>> {
        store.get(self.key.as_bytes()).map(|bytes| decode(&bytes)).transpose()
    }

    pub fn load(&self, store: &dyn Storage) -> StdResult<V> {
        self.may_load(store)?.ok_or_else(not_found::<V>)
    }

    pub fn remove(&self, store: &mut dyn Storage) {
        store.remove(self.key.as_bytes())
    }

    pub fn update<E: From<StdError>>(
        &self,
        store: &mut dyn Storage,
        action: impl FnOnce(V) -> Result<V, E>,
    ) -> Result<V, E> {
        let after = action(self.load(store)?)?;
        self.save(store, &after)?;
        Ok(after)
    }
}

#[cfg(test)]
mod tests {
    use cosmwasm_std::testing::MockStorage;
    use cosmwasm_std::Uint128;
    use cw_storage_plus::Item;

    use super::*;

    const BALANCES: Table<(&str, u64), Uint128> = Table::new("balances");
    const COUNT: Cell<u32> = Cell::new("count");

    #[test]
    fn keys_are_cw_storage_plus_keys() {
        let map = Map::<(&str, u64), Uint128>::new("balances");
        assert_eq!(BALANCES.key(("alice", 7)), map.key(("alice", 7)).to_vec());
        let mut store = MockStorage::new();
        COUNT.save(&mut store, &3).unwrap();
        // The same key as cw-storage-plus's Item, with the compact value.
        assert_eq!(store.get(Item::<u32>::new("count").as_slice()), Some(vec![3]));
    }

    #[test]
    fn a_table_reads_back_what_it_wrote() {
        let mut store = MockStorage::new();
        assert_eq!(BALANCES.may_load(&store, ("alice", 1)).unwrap(), None);
        assert!(BALANCES.load(&store, ("alice", 1)).is_err());
        for (who, id, amount) in [("alice", 1, 10u128), ("alice", 3, 30), ("bob", 2, 20), ("alice", 2, 20)] {
            BALANCES.save(&mut store, (who, id), &Uint128::new(amount)).unwrap();
        }
        assert!(BALANCES.has(&store, ("bob", 2)));
        let alice: Vec<(u64, Uint128)> =
            BALANCES.prefix("alice").range(&store, None, None, Order::Ascending).collect::<StdResult<_>>().unwrap();
        assert_eq!(alice, vec![(1, Uint128::new(10)), (2, Uint128::new(20)), (3, Uint128::new(30))]);
        let after_one: Vec<u64> = BALANCES
            .prefix("alice")
            .keys(&store, Some(Bound::exclusive(1u64)), None, Order::Descending)
            .collect::<StdResult<_>>()
            .unwrap();
        assert_eq!(after_one, vec![3, 2]);
        let all: Vec<((String, u64), Uint128)> =
            BALANCES.range(&store, None, None, Order::Ascending).collect::<StdResult<_>>().unwrap();
        assert_eq!(all.len(), 4);
        // cw-storage-plus order: the first part is length-prefixed, so "bob" sorts first.
        assert_eq!(all[0], (("bob".to_string(), 2), Uint128::new(20)));
        let updated = BALANCES
            .update(&mut store, ("bob", 2), |b| -> StdResult<_> { Ok(b.unwrap_or_default() + Uint128::new(5)) })
            .unwrap();
        assert_eq!(updated, Uint128::new(25));
        BALANCES.remove(&mut store, ("bob", 2));
        assert!(!BALANCES.has(&store, ("bob", 2)));
        let missing = COUNT.update(&mut store, |c| -> StdResult<_> { Ok(c + 1) }).unwrap_err();
        assert!(matches!(missing, StdError::NotFound { .. }), "{missing}");
    }
}
