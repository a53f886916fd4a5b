//! A storage for "what if" views: reads go to the engine's storage once and are remembered,
//! writes stay in memory. The views that evaluate an account's margin many times (its
//! liquidation price, the most it may withdraw) run on it, so each evaluation after the first
//! reads nothing from the engine (in the lens, a read is a query, and a range is a smart query
//! of the engine: on a real chain the first one of a margin evaluation cost more than the rest
//! of it) and a changed price is seen by the engine's own margin code unchanged
//! (docs/integrating.md, "Views for a UI").
//!
//! A range is read whole the first time and remembered: only for views whose ranges the
//! protocol bounds (an account's collateral positions, the sources), never a whole table.

use std::cell::RefCell;
use std::collections::BTreeMap;

use cosmwasm_std::{Order, Record, Storage};

pub struct WhatIf<'a> {
    base: &'a dyn Storage,
    /// Every key read or written: `None` for a key read as absent or removed.
    values: RefCell<BTreeMap<Vec<u8>, Option<Vec<u8>>>>,
    /// Every range read, by bounds and order.
    ranges: RefCell<BTreeMap<RangeKey, Vec<Record>>>,
}

type RangeKey = (Option<Vec<u8>>, Option<Vec<u8>>, bool);

impl<'a> WhatIf<'a> {
    pub fn new(base: &'a dyn Storage) -> Self {
        WhatIf { base, values: RefCell::new(BTreeMap::new()), ranges: RefCell::new(BTreeMap::new()) }
    }
}

impl Storage for WhatIf<'_> {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        if let Some(value) = self.values.borrow().get(key) {
            return value.clone();
        }
        let value = self.base.get(key);
        self.values.borrow_mut().insert(key.to_vec(), value.clone());
        value
    }

    /// Ranges read the engine's storage (once): the views write single keys (a price) that the
    /// margin code reads with `get`, never through a range.
    fn range<'b>(
        &'b self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: Order,
    ) -> Box<dyn Iterator<Item = Record> + 'b> {
        let key = (start.map(<[u8]>::to_vec), end.map(<[u8]>::to_vec), order == Order::Ascending);
        if let Some(records) = self.ranges.borrow().get(&key) {
            return Box::new(records.clone().into_iter());
        }
        let records: Vec<Record> = self.base.range(start, end, order).collect();
        self.ranges.borrow_mut().insert(key, records.clone());
        Box::new(records.into_iter())
    }

    fn set(&mut self, key: &[u8], value: &[u8]) {
        self.values.get_mut().insert(key.to_vec(), Some(value.to_vec()));
    }

    fn remove(&mut self, key: &[u8]) {
        self.values.get_mut().insert(key.to_vec(), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockStorage;

    struct Counting {
        inner: MockStorage,
        ranges: std::cell::Cell<u32>,
    }

    impl Storage for Counting {
        fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
            self.inner.get(key)
        }
        fn range<'b>(&'b self, s: Option<&[u8]>, e: Option<&[u8]>, o: Order) -> Box<dyn Iterator<Item = Record> + 'b> {
            self.ranges.set(self.ranges.get() + 1);
            self.inner.range(s, e, o)
        }
        fn set(&mut self, key: &[u8], value: &[u8]) {
            self.inner.set(key, value)
        }
        fn remove(&mut self, key: &[u8]) {
            self.inner.remove(key)
        }
    }

    #[test]
    fn writes_stay_in_memory_and_reads_are_remembered() {
        let mut base = MockStorage::new();
        base.set(b"a", b"1");
        let mut what_if = WhatIf::new(&base);
        assert_eq!(what_if.get(b"a"), Some(b"1".to_vec()));
        what_if.set(b"a", b"2");
        what_if.remove(b"b");
        assert_eq!(what_if.get(b"a"), Some(b"2".to_vec()));
        assert_eq!(what_if.get(b"b"), None);
        assert_eq!(base.get(b"a"), Some(b"1".to_vec()));
        // A range is read from the base once, whatever the number of times it is asked.
        let counting = Counting { inner: base, ranges: std::cell::Cell::new(0) };
        let cached = WhatIf::new(&counting);
        for _ in 0..3 {
            assert_eq!(cached.range(Some(b"a"), None, Order::Ascending).count(), 1);
        }
        assert_eq!(counting.ranges.get(), 1);
    }
}
