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
    let pool = Pool { cash: Int128::new(1), total_shares: Uint128::new(2), claims: Uint128::new(3) };
    assert_eq!(hex(encode(&pool)), "020203");
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
