//! The engine's storage, read from another contract: `get` is a `WasmQuery::Raw` of the key,
//! `range` pages through the engine's `RawRange` query. The engine's view code runs over it
//! unchanged, so a lens answer is what the engine itself would answer in the same block.

use cosmwasm_std::{Addr, Binary, Order, QuerierWrapper, Record, Storage};
use isthmus_protocol::engine::{QueryMsg, RawRangeResponse, RAW_RANGE_MAX};

pub struct EngineStorage<'a> {
    querier: QuerierWrapper<'a>,
    engine: Addr,
}

impl<'a> EngineStorage<'a> {
    pub fn new(querier: QuerierWrapper<'a>, engine: Addr) -> Self {
        EngineStorage { querier, engine }
    }

    /// One page of the range, and whether the range ends with it.
    fn page(&self, start: Option<Vec<u8>>, end: Option<Vec<u8>>, order: Order) -> (Vec<Record>, bool) {
        let msg = QueryMsg::RawRange {
            start: start.map(Binary::new),
            end: end.map(Binary::new),
            descending: order == Order::Descending,
            limit: Some(RAW_RANGE_MAX),
        };
        // `Storage` cannot return an error: a failed query of the engine (a lens pointed at a
        // contract that is not an Isthmus engine) aborts the lens query with its reason.
        let page: RawRangeResponse = match self.querier.query_wasm_smart(&self.engine, &msg) {
            Ok(page) => page,
            Err(e) => panic!("lens: the engine's raw range failed: {e}"),
        };
        (page.entries.into_iter().map(|(k, v)| (k.to_vec(), v.to_vec())).collect(), page.complete)
    }
}

impl Storage for EngineStorage<'_> {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        match self.querier.query_wasm_raw(&self.engine, key.to_vec()) {
            Ok(value) => value,
            Err(e) => panic!("lens: raw read of the engine failed: {e}"),
        }
    }

    /// Lazily, one page of [`RAW_RANGE_MAX`] entries at a time: a view that takes the first
    /// few entries asks for one page only.
    fn range<'b>(
        &'b self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: Order,
    ) -> Box<dyn Iterator<Item = Record> + 'b> {
        Box::new(Pages {
            storage: self,
            start: start.map(<[u8]>::to_vec),
            end: end.map(<[u8]>::to_vec),
            order,
            buffer: Vec::new().into_iter(),
            done: false,
        })
    }

    /// The lens only reads: views get `Deps`, whose storage cannot be written.
    fn set(&mut self, _key: &[u8], _value: &[u8]) {
        unreachable!("the lens never writes the engine's storage")
    }

    fn remove(&mut self, _key: &[u8]) {
        unreachable!("the lens never writes the engine's storage")
    }
}

struct Pages<'b, 'a> {
    storage: &'b EngineStorage<'a>,
    start: Option<Vec<u8>>,
    end: Option<Vec<u8>>,
    order: Order,
    buffer: std::vec::IntoIter<Record>,
    done: bool,
}

impl Iterator for Pages<'_, '_> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        if let Some(record) = self.buffer.next() {
            return Some(record);
        }
        if self.done {
            return None;
        }
        // The engine says when the range is complete (its page size is its own).
        let (page, complete) = self.storage.page(self.start.clone(), self.end.clone(), self.order);
        self.done = complete;
        if let Some((last, _)) = page.last() {
            // The next page starts after the last key (ascending: `last ‖ 0` is the smallest
            // key above it) or ends at it (descending: `end` is exclusive).
            match self.order {
                Order::Ascending => {
                    let mut next = last.clone();
                    next.push(0);
                    self.start = Some(next);
                }
                Order::Descending => self.end = Some(last.clone()),
            }
        } else {
            self.done = true;
        }
        self.buffer = page.into_iter();
        self.buffer.next()
    }
}

#[cfg(test)]
mod tests {
    use cosmwasm_std::testing::{MockQuerier, MockStorage};
    use cosmwasm_std::{from_json, to_json_binary, ContractResult, Empty, SystemResult, WasmQuery};

    use super::*;

    /// A querier that answers the engine's raw reads and `RawRange` pages from `engine`, with
    /// the engine's own page function.
    fn querier_over(engine: MockStorage) -> MockQuerier<Empty> {
        let mut querier = MockQuerier::<Empty>::new(&[]);
        querier.update_wasm(move |q| {
            let answer = match q {
                // As wasmd answers a raw query: the value's bytes, empty when absent.
                WasmQuery::Raw { key, .. } => Ok(Binary::new(engine.get(key).unwrap_or_default())),
                WasmQuery::Smart { msg, .. } => match from_json::<QueryMsg>(msg).unwrap() {
                    QueryMsg::RawRange { start, end, descending, limit } => {
                        to_json_binary(&options_engine::query::raw_range(&engine, start, end, descending, limit))
                    }
                    other => panic!("unexpected {other:?}"),
                },
                other => panic!("unexpected {other:?}"),
            };
            SystemResult::Ok(ContractResult::Ok(answer.unwrap()))
        });
        querier
    }

    /// Ranges longer than a page, with and without bounds, in both orders, read exactly what
    /// the engine's own storage iterates; reads find what is there and nothing else.
    #[test]
    fn ranges_cross_pages_exactly_as_local_storage_iterates() {
        let mut engine = MockStorage::new();
        for i in 0u32..250 {
            engine.set(&[b'k', (i / 100) as u8, (i % 100) as u8], &i.to_be_bytes());
        }
        engine.set(b"other", b"x");
        let local = {
            let mut copy = MockStorage::new();
            for (k, v) in engine.range(None, None, Order::Ascending) {
                copy.set(&k, &v);
            }
            copy
        };
        let querier = querier_over(engine);
        let remote = EngineStorage::new(QuerierWrapper::new(&querier), Addr::unchecked("engine"));
        assert_eq!(remote.get(b"other"), Some(b"x".to_vec()));
        assert_eq!(remote.get(b"missing"), None);
        type Bounds<'b> = (Option<&'b [u8]>, Option<&'b [u8]>);
        let bounds: [Bounds; 4] =
            [(None, None), (Some(b"k"), Some(b"l")), (Some(&[b'k', 0, 50]), Some(&[b'k', 2, 10])), (Some(b"z"), None)];
        for (start, end) in bounds {
            for order in [Order::Ascending, Order::Descending] {
                let got: Vec<Record> = remote.range(start, end, order).collect();
                let want: Vec<Record> = local.range(start, end, order).collect();
                assert_eq!(got, want, "{start:?}..{end:?} {order:?}");
            }
        }
        assert_eq!(remote.range(None, None, Order::Ascending).count(), 251);
        // A view that takes a few entries stops early, whatever the order.
        let first: Vec<Record> = remote.range(Some(b"k"), None, Order::Descending).take(2).collect();
        assert_eq!(first.len(), 2);
    }
}
