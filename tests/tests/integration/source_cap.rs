//! Per-source exposure cap and the source health query (docs/protocol.md §6), on the one-source
//! bench: a `max_value` cap refuses new risk beyond it with the exact error, leaves maintenance
//! untouched, and the health query reports the exact raw value, limit, factor and counted value.
//! Only the risk manager sets a cap; a bad one is refused and changes nothing. (Several sources
//! sharing a `max_share` are exercised by the engine's unit tests and the N-chain bench.)

use cosmwasm_std::{Decimal, Int128, Uint128};
use isthmus_protocol::engine::{self, SourceAssetHealth, SourceHealthResponse};
use isthmus_source_registry::RegistryError;
use isthmus_tests::market::attr;
use isthmus_tests::suite::SOURCE_ID;
use isthmus_tests::{assert_error, Suite, SuiteBuilder};
use options_engine::ContractError;

/// 100 ATOM at 10 USDC with the suite's haircut at zero staleness:
/// `⌊1000 × (1 − 0.15 − 3 × 0.6 × sqrt(600 / 31,536,000)) × 10^6⌋` = 842,148,641 (842.1486 USDC).
const RAW: u128 = 842_148_641;
/// The cap: 400 USDC.
const CAP: u128 = 400_000_000;

fn health(suite: &Suite) -> SourceHealthResponse {
    let q = isthmus_protocol::lens::QueryMsg::SourceHealth { source_id: SOURCE_ID.into() };
    suite.chains.target.wrap().query_wasm_smart(&suite.lens, &q).unwrap()
}

fn sources_health(suite: &Suite, start_after: Option<&str>) -> engine::SourcesHealthResponse {
    let q = isthmus_protocol::lens::QueryMsg::SourcesHealth { start_after: start_after.map(String::from), limit: None };
    suite.chains.target.wrap().query_wasm_smart(&suite.lens, &q).unwrap()
}

fn set_cap(suite: &mut Suite, who: &str, max_share: Decimal, max_value: Option<u128>) -> anyhow::Result<()> {
    let msg = engine::ExecuteMsg::SetSourceCap {
        source_id: SOURCE_ID.into(),
        max_share,
        max_value: max_value.map(Uint128::new),
    };
    let sender = if who == "admin" { suite.target_admin.clone() } else { suite.target_user(who) };
    suite.engine_execute(&sender, &msg).map(|_| ())
}

#[test]
fn a_value_cap_on_the_source_refuses_new_risk_beyond_it_and_leaves_maintenance_alone() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(1_000_000_000_000).unwrap();
    suite.list_atom_collateral().unwrap();
    suite.deposit_atom("alice", 100_000_000).unwrap();
    suite.resolve_all_and_check().unwrap();

    // Uncapped: the source's raw value is alice's collateral value (she is its only holder),
    // and all of it counts.
    let uncapped = health(&suite);
    let expected_raw = 1000.0 * (1.0 - 0.15 - 1.8 * (600.0f64 / 31_536_000.0).sqrt()) * 1e6;
    assert!((RAW as f64 - expected_raw).abs() < 1.0, "{expected_raw}");
    assert_eq!(
        uncapped,
        SourceHealthResponse {
            source_id: SOURCE_ID.into(),
            channel_id: Some(suite.collateral_channel().1.clone()),
            last_heard: uncapped.last_heard,
            staleness_seconds: Some(0),
            stale: false,
            seizes_in_flight: 0,
            assets: vec![SourceAssetHealth {
                asset: Suite::atom(),
                reported: Uint128::new(100_000_000),
                reserved: Uint128::zero(),
                usable: Uint128::new(100_000_000),
                value: Uint128::new(RAW),
            }],
            raw_value: Uint128::new(RAW),
            limit: None,
            factor: Decimal::one(),
            counted_value: Uint128::new(RAW),
            share_of_total: Decimal::one(),
            max_share: Decimal::one(),
            max_value: None,
        }
    );
    assert!(uncapped.last_heard.is_some());
    let before = suite.margin("alice").unwrap();
    assert_eq!((before.collateral_value.u128(), before.collateral_value_maintenance.u128()), (RAW, RAW));
    // Writing 150 puts needs 472.26 USDC of initial margin: fine on 842 USDC of collateral.
    let preview = suite.simulate("alice", &[(listed.put_10, -150)]).unwrap();
    assert_eq!((preview.refusal, preview.margin_after.initial_margin.u128()), (None, 472_261_853));

    // Only the risk manager caps a source; a bad cap is refused. Nothing changes.
    let err = set_cap(&mut suite, "alice", Decimal::one(), Some(CAP)).unwrap_err();
    assert_error(&err, ContractError::unauthorized("set_source_cap", options_engine::error::Role::RiskManager));
    for share in [Decimal::zero(), Decimal::percent(150)] {
        let err = set_cap(&mut suite, "admin", share, Some(CAP)).unwrap_err();
        assert_error(&err, ContractError::InvalidMaxShare { max_share: share });
    }
    let unknown = engine::ExecuteMsg::SetSourceCap {
        source_id: "osmosis".into(),
        max_share: Decimal::percent(50),
        max_value: None,
    };
    let admin = suite.target_admin.clone();
    let err = suite.engine_execute(&admin, &unknown).unwrap_err();
    assert_error(&err, ContractError::Registry(RegistryError::UnknownSource { source_id: "osmosis".into() }));
    assert_eq!(health(&suite), uncapped);
    assert_eq!(suite.margin("alice").unwrap(), before);

    // The risk manager caps the source at 400 USDC.
    let r = suite
        .engine_execute(
            &admin,
            &engine::ExecuteMsg::SetSourceCap {
                source_id: SOURCE_ID.into(),
                max_share: Decimal::one(),
                max_value: Some(Uint128::new(CAP)),
            },
        )
        .unwrap();
    assert_eq!(
        (attr(&r, "action"), attr(&r, "source_id"), attr(&r, "max_share"), attr(&r, "max_value")),
        ("set_source_cap".into(), SOURCE_ID.into(), "1".into(), CAP.to_string())
    );
    let capped = health(&suite);
    // factor = ⌊400,000,000 / (842,148,641 + 1 asset)⌋ at 18 decimals
    let factor = Decimal::from_ratio(CAP, RAW + 1);
    assert_eq!(factor, "0.474975532882234345".parse::<Decimal>().unwrap());
    assert_eq!(
        (capped.raw_value, capped.limit, capped.factor, capped.counted_value),
        (Uint128::new(RAW), Some(Uint128::new(CAP)), factor, Uint128::new(CAP))
    );
    assert_eq!(
        (capped.share_of_total, capped.max_share, capped.max_value),
        (Decimal::one(), Decimal::one(), Some(Uint128::new(CAP)))
    );
    assert_eq!(capped.assets, uncapped.assets);
    let page = sources_health(&suite, None);
    assert_eq!((page.total_value, page.sources), (Uint128::new(RAW), vec![capped.clone()]));
    assert!(sources_health(&suite, Some(SOURCE_ID)).sources.is_empty());

    // For initial margin alice's ATOM now counts for ⌊100,000,000 × factor⌋ = 47,497,553 uatom,
    // worth ⌊47.497553 × 8.42148641⌋ = 399.999997 USDC (≤ the cap); maintenance counts all.
    let m = suite.margin("alice").unwrap();
    assert_eq!((m.collateral_value.u128(), m.collateral_value_maintenance.u128()), (399_999_997, RAW));
    assert_eq!((m.equity, m.maintenance_margin, m.liquidatable), (before.equity, before.maintenance_margin, false));

    // The 150 puts now need more than the source may back: refused, exactly as previewed.
    let err = suite.trade("alice", &[(listed.put_10, -150)], i128::MAX).unwrap_err();
    let refusal = ContractError::InitialMarginNotMet {
        account: suite.account("alice"),
        // premium received (cash) + 399.999997 of counted collateral − the puts' mark
        equity: Int128::new(399_004_479),
        required: Uint128::new(472_261_853),
    };
    assert_eq!(suite.simulate("alice", &[(listed.put_10, -150)]).unwrap().refusal, Some(refusal.to_string()));
    assert_error(&err, refusal);
    suite.check_all().unwrap();

    // 100 puts (314.84 USDC of initial margin) fit under the cap.
    suite.trade("alice", &[(listed.put_10, -100)], i128::MAX).unwrap();
    suite.check_all().unwrap();
    let after = suite.margin("alice").unwrap();
    assert_eq!((after.initial_margin.u128(), after.maintenance_margin.u128()), (314_841_236, 242_185_566));
    assert_eq!((after.collateral_value.u128(), after.collateral_value_maintenance.u128()), (399_999_997, RAW));
    assert!(!after.liquidatable);

    // Removing the cap (share 1, no value) restores the full count and the 50 more puts fit.
    set_cap(&mut suite, "admin", Decimal::one(), None).unwrap();
    let lifted = health(&suite);
    assert_eq!((lifted.limit, lifted.factor, lifted.max_value), (None, Decimal::one(), None));
    assert_eq!(suite.margin("alice").unwrap().collateral_value.u128(), RAW);
    suite.trade("alice", &[(listed.put_10, -50)], i128::MAX).unwrap();
    suite.resolve_all_and_check().unwrap();
    suite.check_all().unwrap();
}

#[test]
fn the_engine_registers_at_most_sixteen_sources_and_eight_assets_per_source() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let admin = suite.target_admin.clone();
    let register = |i: usize| engine::ExecuteMsg::RegisterSource {
        source_id: format!("source-{i}"),
        connection_id: format!("connection-{}", 100 + i),
        counterparty_port: "wasm.vault".into(),
    };
    // The suite registered one source; 15 more fill the registry.
    for i in 1..16 {
        suite.engine_execute(&admin, &register(i)).unwrap();
    }
    let err = suite.engine_execute(&admin, &register(16)).unwrap_err();
    assert_error(&err, ContractError::TooManySources { max: 16 });
    // Re-binding a registered source is not a new one.
    let rebind = engine::ExecuteMsg::RegisterSource {
        source_id: "source-1".into(),
        connection_id: "connection-99".into(),
        counterparty_port: "wasm.vault".into(),
    };
    suite.engine_execute(&admin, &rebind).unwrap();

    let list = |denom: String| engine::ExecuteMsg::SetCollateralAsset {
        source_id: SOURCE_ID.into(),
        asset: isthmus_protocol::asset::AssetInfo::native(denom),
        symbol: "ATOM".into(),
        decimals: 6,
        enabled: true,
    };
    for i in 0..8 {
        suite.engine_execute(&admin, &list(format!("denom{i}"))).unwrap();
    }
    let err = suite.engine_execute(&admin, &list("denom8".into())).unwrap_err();
    assert_error(&err, ContractError::TooManyCollateralAssets { source_id: SOURCE_ID.into(), max: 8 });
    // Changing a listed asset is still allowed.
    suite.engine_execute(&admin, &list("denom0".into())).unwrap();
}

/// A cap bounds new risk only: it never sizes a liquidation. Before the fix, liquidations
/// were sized on the capped initial margin, so anyone could dilute a capped source (a large
/// deposit there lowers its factor) and make honest accounts lose more of their book.
#[test]
fn a_cap_does_not_change_how_much_a_liquidation_closes() {
    let liquidated = |cap: Option<u128>| {
        let mut suite = SuiteBuilder::new().with_controller().build().unwrap();
        // As many puts as the initial margin allows, then a fall just below maintenance: a
        // liquidation closes only part of the book, sized on the initial margin.
        suite.put_writer_just_liquidatable("alice").unwrap();
        if let Some(value) = cap {
            set_cap(&mut suite, "admin", Decimal::one(), Some(value)).unwrap();
            assert!(health(&suite).factor < Decimal::percent(1));
        }
        let before = suite.margin("alice").unwrap();
        let account = suite.account("alice");
        suite.engine_as("keeper", &engine::ExecuteMsg::Liquidate { account }, &[]).unwrap();
        suite.check_all().unwrap();
        let after = suite.engine_account("alice").unwrap();
        assert!(!after.positions.is_empty(), "a partial liquidation");
        (before.maintenance_margin, after)
    };
    let (uncapped_mm, uncapped) = liquidated(None);
    let (capped_mm, capped) = liquidated(Some(1_000_000));
    assert_eq!(capped_mm, uncapped_mm, "maintenance ignores the cap");
    assert_eq!(capped, uncapped, "the same positions closed, the same cash left");
}
