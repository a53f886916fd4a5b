//! Golden bytes of the engine's hottest stored types (docs/storage.md, "Changing a layout"):
//! every field holds a distinct value, so reordering two fields of the same type in a
//! `codec_struct!` line (which compiles and round-trips) changes these bytes and fails here.

use cosmwasm_std::{Addr, Decimal, HexBinary, Int128, Timestamp, Uint128};
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::engine::{OptionKind, SeriesParams};
use isthmus_store::encode;

use super::market::{Account, OpenInterest, Pool, PricePoint, Series};
use super::{Config, RemotePosition, Reservation};
use crate::remote_book::SourceAssetTotals;

fn hex(bytes: Vec<u8>) -> String {
    HexBinary::from(bytes).to_hex()
}

#[test]
fn stored_layouts_are_pinned() {
    let position = RemotePosition {
        source_id: "s".into(),
        owner: "o".into(),
        account: "a".into(),
        asset: AssetInfo::Native("u".into()),
        reported: Uint128::new(1),
        reserved: Uint128::new(2),
        seq: 3,
        updated_at: Timestamp::from_nanos(4),
        unconfirmed: true,
    };
    assert_eq!(hex(encode(&position)), "0173016f01610001750102030401");
    let series = Series {
        params: SeriesParams {
            underlying: "A".into(),
            strike: Decimal::new(Uint128::new(5)),
            expiry: 6,
            kind: OptionKind::Put,
            contract_size: Decimal::new(Uint128::new(7)),
            open_interest_cap: Uint128::new(8),
        },
        retired: false,
    };
    assert_eq!(hex(encode(&series)), "0141050601070800");
    let open = OpenInterest { long: Uint128::new(9), short: Uint128::new(10) };
    assert_eq!(hex(encode(&open)), "090a");
    let account =
        Account { cash: Int128::new(-1), positions: vec![(2, 3), (4, -5)], number: 6, claim: Uint128::new(7) };
    assert_eq!(hex(encode(&account)), "0102020604090607");
    let pool = Pool {
        cash: Int128::new(1),
        total_shares: Uint128::new(2),
        claims: Uint128::new(3),
        receivable: Uint128::new(4),
    };
    assert_eq!(hex(encode(&pool)), "02020304");
    let totals = SourceAssetTotals { reported: Uint128::new(1), reserved: Uint128::new(2), usable: Uint128::new(3) };
    assert_eq!(hex(encode(&totals)), "010203");
    let price = PricePoint { price: Decimal::new(Uint128::new(1)), publish_time: 2 };
    assert_eq!(hex(encode(&price)), "0102");
    let reservation = Reservation {
        account: "a".into(),
        source_id: "s".into(),
        owner: "o".into(),
        asset: AssetInfo::Cw20("c".into()),
        amount: Uint128::new(1),
        created_at: Timestamp::from_nanos(2),
        controller: Some(Addr::unchecked("k")),
    };
    assert_eq!(hex(encode(&reservation)), "01610173016f010163010201016b");
    let config = Config {
        owner: Addr::unchecked("o"),
        risk_manager: Addr::unchecked("r"),
        guardian: Addr::unchecked("g"),
        controller: None,
        max_staleness_seconds: 1,
        paused: true,
        capped_sources: 2,
    };
    assert_eq!(hex(encode(&config)), "016f0172016700010102");
}

/// The keys every leg writes are short (docs/storage.md, "Keys"): one- and two-byte namespaces
/// and four-byte ids. The chain charges 30 gas per byte of key on every write.
#[test]
fn hot_keys_are_pinned() {
    use cosmwasm_std::testing::MockStorage;
    use cosmwasm_std::{Order, Storage};

    use super::market::{key32, ACCOUNTS, OPEN_INTEREST, SERIES_HOLDERS};
    use super::pool_risk::{PoolRisk, Snapshot, POOL_RISK};

    let mut storage = MockStorage::new();
    SERIES_HOLDERS.save(&mut storage, (key32(7).unwrap(), key32(9).unwrap()), &()).unwrap();
    OPEN_INTEREST.save(&mut storage, ("A", key32(7).unwrap()), &OpenInterest::default()).unwrap();
    ACCOUNTS.save(&mut storage, "x", &Account::default()).unwrap();
    super::market::ACCOUNT_ADDRESSES.save(&mut storage, key32(5).unwrap(), &"x".to_string()).unwrap();
    let risk = PoolRisk {
        snapshot: Snapshot::default(),
        aggregate: super::pool_risk::Aggregate::empty(0),
        positions: 0,
        moved: false,
        valid: true,
        refresh: None,
        issued: 0,
    };
    POOL_RISK.save(&mut storage, "A", &risk).unwrap();
    // In key order: the two-byte length of a namespace comes first.
    let keys: Vec<String> = storage.range(None, None, Order::Ascending).map(|(k, _)| hex(k)).collect();
    assert_eq!(
        keys,
        vec![
            "000161".to_string() + "78",                             // a | "x"
            "000168".to_string() + "0004" + "00000007" + "00000009", // h | 7 | 9
            "0002616e".to_string() + "00000005",                     // an | 5
            "00026f69".to_string() + "000141" + "00000007",          // oi | "A" | 7
            "00027072".to_string() + "41",                           // pr | "A"
        ]
    );
    assert!(key32(u64::from(u32::MAX)).is_ok());
    assert!(matches!(key32(u64::from(u32::MAX) + 1), Err(crate::error::ContractError::ArithmeticOverflow { .. })));
}
