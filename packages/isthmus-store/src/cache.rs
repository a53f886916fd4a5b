//! A read cache over a contract's storage for one call (docs/storage.md, "One read per key
//! per call").
//!
//! A chain charges every storage read (1,000 SDK gas plus 3 per byte), and the engine's margin
//! and trade paths read the same few keys many times in one call: the risk parameters, the
//! quote, each underlying's symbol, price and vols, each series. Wrapping the call's storage in
//! a [`CachedStorage`] makes the second and later reads of a key free, for every path at once,
//! without threading values through each function.
//!
//! Writes go straight through to the underlying storage and update the cache, so a read after
//! a write sees the write; ranges are not cached and read the underlying storage, which holds
//! every write already. What the call observes is exactly what it would observe without the
//! cache.
//!
//! A third mode, [`CachedStorage::what_if`], serves views that evaluate the same margin many
//! times under changed inputs (an account's liquidation price, the most it may withdraw): its
//! writes stay in the cache and never reach the storage, and its ranges are read once each and
//! remembered too (in the lens every range is a smart query of the engine). Writes are seen by
//! `get` only, not by ranges; and a range is read whole, so this mode is only for views whose
//! ranges the protocol bounds (an account's collateral positions, the sources).

use std::cell::RefCell;
use std::collections::BTreeMap;

use cosmwasm_std::{Order, Record, Storage};

/// Values read or written in this call (`None`: absent).
#[derive(Default)]
struct Seen(RefCell<BTreeMap<Vec<u8>, Option<Vec<u8>>>>);

impl Seen {
    fn get_or_read(&self, key: &[u8], read: impl FnOnce() -> Option<Vec<u8>>) -> Option<Vec<u8>> {
        if let Some(value) = self.0.borrow().get(key) {
            return value.clone();
        }
        let value = read();
        self.0.borrow_mut().insert(key.to_vec(), value.clone());
        value
    }

    fn written(&mut self, key: &[u8], value: Option<&[u8]>) {
        self.0.get_mut().insert(key.to_vec(), value.map(<[u8]>::to_vec));
    }
}

/// The storage under the cache: a call's, which it may write, a query's, which it may not, or
/// a view's that writes only to the cache.
enum Inner<'a> {
    Writable(&'a mut dyn Storage),
    ReadOnly(&'a dyn Storage),
    WhatIf(&'a dyn Storage),
}

impl Inner<'_> {
    fn storage(&self) -> &dyn Storage {
        match self {
            Inner::Writable(s) => &**s,
            Inner::ReadOnly(s) | Inner::WhatIf(s) => *s,
        }
    }

    /// The storage a write goes to; none for a what-if view (the cache alone holds it).
    fn writable(&mut self) -> Option<&mut dyn Storage> {
        match self {
            Inner::Writable(s) => Some(&mut **s),
            // Queries get `Deps`, whose storage cannot be written: never reached.
            Inner::ReadOnly(_) => unreachable!("a query never writes"),
            Inner::WhatIf(_) => None,
        }
    }
}

/// A range's bounds and direction.
type RangeKey = (Option<Vec<u8>>, Option<Vec<u8>>, bool);

/// A call's storage with one read per key (see the module's documentation).
pub struct CachedStorage<'a> {
    inner: Inner<'a>,
    seen: Seen,
    /// Ranges read (what-if mode only).
    ranges: RefCell<BTreeMap<RangeKey, Vec<Record>>>,
}

impl<'a> CachedStorage<'a> {
    /// Over the storage of a call that may write (execute, IBC entry points).
    pub fn new(inner: &'a mut dyn Storage) -> Self {
        CachedStorage { inner: Inner::Writable(inner), seen: Seen::default(), ranges: RefCell::default() }
    }

    /// Over a query's storage (read only).
    pub fn reads(inner: &'a dyn Storage) -> Self {
        CachedStorage { inner: Inner::ReadOnly(inner), seen: Seen::default(), ranges: RefCell::default() }
    }

    /// Over a query's storage, for a view that writes changed inputs to the cache only (see
    /// the module's documentation).
    pub fn what_if(inner: &'a dyn Storage) -> Self {
        CachedStorage { inner: Inner::WhatIf(inner), seen: Seen::default(), ranges: RefCell::default() }
    }
}

impl Storage for CachedStorage<'_> {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.seen.get_or_read(key, || self.inner.storage().get(key))
    }

    fn range<'b>(
        &'b self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: Order,
    ) -> Box<dyn Iterator<Item = Record> + 'b> {
        let Inner::WhatIf(storage) = &self.inner else { return self.inner.storage().range(start, end, order) };
        let key = (start.map(<[u8]>::to_vec), end.map(<[u8]>::to_vec), order == Order::Ascending);
        if let Some(records) = self.ranges.borrow().get(&key) {
            return Box::new(records.clone().into_iter());
        }
        let records: Vec<Record> = storage.range(start, end, order).collect();
        self.ranges.borrow_mut().insert(key, records.clone());
        Box::new(records.into_iter())
    }

    fn set(&mut self, key: &[u8], value: &[u8]) {
        if let Some(storage) = self.inner.writable() {
            storage.set(key, value);
        }
        self.seen.written(key, Some(value));
    }

    fn remove(&mut self, key: &[u8]) {
        if let Some(storage) = self.inner.writable() {
            storage.remove(key);
        }
        self.seen.written(key, None);
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use cosmwasm_std::testing::MockStorage;

    use super::*;

    /// Counts the reads that reach it.
    struct Counting {
        store: MockStorage,
        gets: Cell<u32>,
        ranges: Cell<u32>,
    }

    impl Storage for Counting {
        fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
            self.gets.set(self.gets.get() + 1);
            self.store.get(key)
        }
        fn range<'b>(
            &'b self,
            start: Option<&[u8]>,
            end: Option<&[u8]>,
            order: Order,
        ) -> Box<dyn Iterator<Item = Record> + 'b> {
            self.ranges.set(self.ranges.get() + 1);
            self.store.range(start, end, order)
        }
        fn set(&mut self, key: &[u8], value: &[u8]) {
            self.store.set(key, value)
        }
        fn remove(&mut self, key: &[u8]) {
            self.store.remove(key)
        }
    }

    #[test]
    fn each_key_is_read_once_and_writes_are_seen() {
        let mut inner = Counting { store: MockStorage::new(), gets: Cell::new(0), ranges: Cell::new(0) };
        inner.store.set(b"a", b"1");
        {
            let mut cached = CachedStorage::new(&mut inner);
            assert_eq!(cached.get(b"a"), Some(b"1".to_vec()));
            assert_eq!(cached.get(b"a"), Some(b"1".to_vec()));
            assert_eq!(cached.get(b"missing"), None);
            assert_eq!(cached.get(b"missing"), None);
            cached.set(b"a", b"2");
            assert_eq!(cached.get(b"a"), Some(b"2".to_vec()), "read after write");
            cached.set(b"b", b"3");
            cached.remove(b"missing");
            assert_eq!(cached.get(b"missing"), None);
            // Ranges see every write: they go to the underlying storage.
            let keys: Vec<Vec<u8>> = cached.range(None, None, Order::Ascending).map(|(k, _)| k).collect();
            assert_eq!(keys, vec![b"a".to_vec(), b"b".to_vec()]);
            cached.remove(b"b");
            assert_eq!(cached.get(b"b"), None);
            assert_eq!(cached.range(None, None, Order::Ascending).count(), 1);
        }
        assert_eq!(inner.gets.get(), 2, "one read of `a`, one of `missing`");
        assert_eq!(inner.store.get(b"a"), Some(b"2".to_vec()), "writes reached the storage");
        assert_eq!(inner.store.get(b"b"), None);

        let reads = CachedStorage::reads(&inner);
        assert_eq!(reads.get(b"a"), Some(b"2".to_vec()));
        assert_eq!(reads.get(b"a"), Some(b"2".to_vec()));
        assert_eq!(inner.gets.get(), 3);
    }

    #[test]
    fn what_if_writes_stay_in_the_cache_and_ranges_are_read_once() {
        let mut inner = Counting { store: MockStorage::new(), gets: Cell::new(0), ranges: Cell::new(0) };
        inner.store.set(b"a", b"1");
        inner.store.set(b"c", b"3");
        let mut what_if = CachedStorage::what_if(&inner);
        assert_eq!(what_if.get(b"a"), Some(b"1".to_vec()));
        what_if.set(b"a", b"2");
        what_if.remove(b"c");
        assert_eq!((what_if.get(b"a"), what_if.get(b"c")), (Some(b"2".to_vec()), None));
        for _ in 0..3 {
            assert_eq!(what_if.range(Some(b"b"), None, Order::Ascending).count(), 1);
        }
        drop(what_if);
        assert_eq!((inner.gets.get(), inner.ranges.get()), (1, 1));
        assert_eq!((inner.store.get(b"a"), inner.store.get(b"c")), (Some(b"1".to_vec()), Some(b"3".to_vec())));
    }
}
