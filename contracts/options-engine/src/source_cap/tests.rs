//! Tests of the per-source cap: the pure formulas, the sum bound over accounts, and the
//! valuation of every source from storage.

use isthmus_margin::{evaluate, Account, Fixed, HaircutParams, MarginParams};

use super::*;

fn cap(share: u64, value: Option<u128>) -> SourceCap {
    SourceCap { max_share: Decimal::percent(share), max_value: value.map(Uint128::new) }
}

#[test]
fn limits_and_factors_round_down() {
    // The other sources hold 1,000,001: a 25% share may back ⌊0.25 / 0.75 × 1,000,001⌋ =
    // 333,333 (then 25% of 1,333,334); the absolute cap wins when lower.
    let others = Uint128::new(1_000_001);
    assert_eq!(limit(&cap(25, None), others).unwrap(), Some(Uint128::new(333_333)));
    assert_eq!(limit(&cap(25, Some(7)), others).unwrap(), Some(Uint128::new(7)));
    assert_eq!(limit(&cap(100, Some(2_000_000)), others).unwrap(), Some(Uint128::new(2_000_000)));
    assert_eq!(limit(&cap(100, None), others).unwrap(), None);
    // Nothing elsewhere: a share cap lets the source back nothing new.
    assert_eq!(limit(&cap(50, None), Uint128::zero()).unwrap(), Some(Uint128::zero()));
    // uncapped, nothing to value, or a limit at or above raw + n: counts in full
    assert_eq!(factor(None, Uint128::new(5), 1), Decimal::one());
    assert_eq!(factor(Some(Uint128::zero()), Uint128::zero(), 0), Decimal::one());
    assert_eq!(factor(Some(Uint128::new(11)), Uint128::new(10), 1), Decimal::one());
    // 1 / 3 rounds down at 18 decimals; a limit of raw exactly still loses n base units
    assert_eq!(factor(Some(Uint128::new(1)), Uint128::new(2), 1), Decimal::from_ratio(1u128, 3u128));
    assert!(factor(Some(Uint128::new(10)), Uint128::new(10), 1) < Decimal::one());
    assert_eq!(factor(Some(Uint128::zero()), Uint128::new(10), 1), Decimal::zero());
    // amounts round down: ⌊10 × 0.333…⌋ = 3, ⌊2 × 0.5⌋ = 1
    assert_eq!(initial_amount(Uint128::new(10), Decimal::from_ratio(1u128, 3u128)), Uint128::new(3));
    assert_eq!(initial_amount(Uint128::new(2), Decimal::percent(50)), Uint128::new(1));
    assert_eq!(initial_amount(Uint128::MAX, Decimal::one()), Uint128::MAX);
    assert_eq!(initial_amount(Uint128::MAX, Decimal::percent(50)), Uint128::MAX / Uint128::new(2));
}

#[test]
fn factors_default_to_one_for_uncapped_sources() {
    let f = Factors(vec![("hub".into(), Decimal::percent(40))]);
    assert_eq!(f.of("hub"), Decimal::percent(40));
    assert_eq!(f.of("osmosis"), Decimal::one());
}

fn haircut() -> HaircutParams {
    HaircutParams {
        base: Fixed::from_ratio(1, 10).unwrap(),
        z: Fixed::from_int(3).unwrap(),
        seize_latency_seconds: 600,
        max_staleness_seconds: 3600,
    }
}

fn item(amount: u128, initial_amount: u128, decimals: u32, price: Fixed, staleness: u64) -> CollateralItem {
    CollateralItem {
        amount,
        initial_amount,
        decimals,
        price: CollateralPrice::Oracle { price },
        vol: Fixed::from_ratio(6, 10).unwrap(),
        staleness_seconds: staleness,
        haircut: haircut(),
    }
}

/// The guarantee: with the source's assets' totals valued and the factor applied to every
/// account's items, the initial-margin value the accounts count from the source, summed
/// over the accounts, never exceeds `limit(s)`, while each item's maintenance value is its
/// full value. 2,000 pseudo-random books: 1-3 assets with awkward prices and decimals, 1-6
/// accounts, caps by share and by value.
#[test]
fn initial_value_counted_from_a_source_never_exceeds_its_limit() {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |m: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % m
    };
    let params = MarginParams::default();
    for case in 0..2_000 {
        let staleness = next(3_600);
        let assets: Vec<(u32, Fixed)> = (0..1 + next(3))
            .map(|_| {
                let decimals = [0u32, 6, 8, 18][next(4) as usize];
                (decimals, Fixed::from_ratio(1 + i128::from(next(1_000_000)), 1 + i128::from(next(997))).unwrap())
            })
            .collect();
        let accounts = 1 + next(6) as usize;
        // amounts[account][asset]
        let amounts: Vec<Vec<u128>> = (0..accounts)
            .map(|_| {
                assets
                    .iter()
                    .map(|(d, _)| u128::from(next(1_000)) * 10u128.pow(*d) / 10 + u128::from(next(7)))
                    .collect()
            })
            .collect();
        // raw: each asset's total valued once, floored
        let mut raw = Uint128::zero();
        let mut valued = 0;
        for (a, (d, p)) in assets.iter().enumerate() {
            let total: u128 = amounts.iter().map(|acc| acc[a]).sum();
            let v = collateral_value(&item(total, total, *d, *p, staleness), &[], 6).unwrap();
            if v > 0 {
                valued += 1;
            }
            raw += Uint128::new(v as u128);
        }
        let other = Uint128::new(u128::from(next(3)) * raw.u128());
        let c = if next(2) == 0 {
            cap(1 + next(99), None)
        } else {
            cap(100, Some(u128::from(next(raw.u128() as u64 + 2))))
        };
        let lim = limit(&c, other).unwrap().unwrap_or(Uint128::MAX);
        let f = factor(Some(lim), raw, valued);
        let mut counted = 0i128;
        for acc in &amounts {
            let collateral: Vec<CollateralItem> = assets
                .iter()
                .zip(acc)
                .map(|((d, p), amount)| {
                    let ia = initial_amount(Uint128::new(*amount), f).u128();
                    item(*amount, ia, *d, *p, staleness)
                })
                .collect();
            let full: i128 = collateral.iter().map(|i| collateral_value(i, &[], 6).unwrap()).sum();
            let m = evaluate(&Account { cash: 0, underlyings: vec![], collateral }, &params).unwrap();
            assert_eq!(m.collateral_value.get(), full, "maintenance counts the whole items");
            counted += m.collateral_value_initial.get();
        }
        assert!(counted as u128 <= lim.u128(), "case {case}: counted {counted} > limit {lim} (raw {raw}, f {f})");
        // and the cap costs little: below f × raw by at most what the floors drop, one
        // base unit of the asset (worth ⌈its value⌉) and one quote base unit per item, plus n
        let unit: Vec<i128> =
            assets.iter().map(|(d, p)| collateral_value(&item(1, 1, *d, *p, staleness), &[], 6).unwrap() + 1).collect();
        let lost = accounts as i128 * unit.iter().map(|u| u + 1).sum::<i128>() + i128::from(valued) + 1;
        let f_raw = raw.mul_floor(f).u128() as i128;
        assert!(counted >= f_raw - lost, "case {case}: counted {counted}, f × raw {f_raw}, slack {lost}");
    }
}

mod from_storage {
    use cosmwasm_std::testing::MockStorage;
    use cosmwasm_std::{SignedDecimal, Timestamp};
    use isthmus_protocol::engine::SymbolParams;

    use super::*;
    use crate::state::market::{CollateralRisk, PricePoint, PRICES, SYMBOLS};
    use crate::state::CollateralAsset;

    const NOW: u64 = 1_000_000;

    fn risk() -> RiskParams {
        RiskParams {
            spread: Decimal::percent(1),
            rate: Decimal::percent(5),
            max_leg_quantity: 1_000,
            initial_margin_factor: Decimal::percent(130),
            spot_moves: vec![SignedDecimal::percent(-15), SignedDecimal::zero(), SignedDecimal::percent(15)],
            vol_shock_up: Decimal::percent(10),
            vol_shock_down: Decimal::percent(10),
            vol_shock_exponent: Decimal::percent(50),
            vol_shock_reference_days: 30,
            min_days_to_expiry: 1,
            min_vol: Decimal::percent(5),
            short_floor: Decimal::percent(1),
            haircut_base: Decimal::percent(10),
            haircut_z: Decimal::from_ratio(3u128, 1u128),
            seize_latency_seconds: 600,
            settlement_fallback_seconds: 3600,
            liquidation_penalty: Decimal::percent(5),
            liquidator_share: Decimal::percent(50),
            liquidation_bonus: Decimal::percent(5),
            lp_notice_seconds: 0,
            tail_moves: vec![],
            tail_weight: Decimal::zero(),
            pool_risk_max_age_seconds: 1800,
            pool_risk_max_spot_move: Decimal::percent(2),
            pool_risk_max_vol_move: Decimal::percent(5),
        }
    }

    fn source(storage: &mut MockStorage, id: &str, heard: Option<u64>) {
        SOURCES.register(storage, id, &format!("connection-{id}"), "wasm.vault").unwrap();
        SOURCES.update_state(storage, id, |s| s.last_heard = heard.map(Timestamp::from_seconds)).unwrap();
    }

    fn price(storage: &mut MockStorage, symbol: &str, price: Decimal) {
        let params = SymbolParams {
            symbol: symbol.into(),
            max_price_age_seconds: 60,
            lenient_price_age_seconds: 86_400,
            max_vol_age_seconds: 3600,
            max_pool_delta: Decimal::one(),
        };
        SYMBOLS.save(storage, symbol, &params).unwrap();
        PRICES.save(storage, symbol, &PricePoint { price, publish_time: NOW }).unwrap();
    }

    /// List `denom` at `source` with `usable` units in its totals.
    fn asset(
        storage: &mut MockStorage,
        source: &str,
        denom: &str,
        symbol: &str,
        underlying: Option<&str>,
        usable: u128,
    ) {
        let info = AssetInfo::native(denom);
        let key = info.key();
        let listing =
            CollateralAsset { asset: info, symbol: symbol.into(), decimals: 6, enabled: denom != "udisabled" };
        COLLATERAL_ASSETS.save(storage, (source, &key), &listing).unwrap();
        let risk = CollateralRisk { vol: Decimal::percent(60), underlying: underlying.map(String::from) };
        COLLATERAL_RISK.save(storage, (source, &key), &risk).unwrap();
        let totals = SourceAssetTotals {
            reported: Uint128::new(usable),
            reserved: Uint128::zero(),
            usable: Uint128::new(usable),
        };
        SOURCE_TOTALS.save(storage, (source, &key), &totals).unwrap();
    }

    /// What the margin crate counts for `usable` units priced at `price` with the haircut at
    /// `staleness` seconds (the suite's risk parameters).
    fn expected(usable: u128, price: i128, staleness: u64) -> Uint128 {
        let it = CollateralItem {
            amount: usable,
            initial_amount: usable,
            decimals: 6,
            price: CollateralPrice::Oracle { price: Fixed::from_int(price).unwrap() },
            vol: Fixed::from_ratio(6, 10).unwrap(),
            staleness_seconds: staleness,
            haircut: crate::account_margin::haircut_params(&risk(), 3600).unwrap(),
        };
        Uint128::new(collateral_value(&it, &[], 6).unwrap() as u128)
    }

    fn book() -> MockStorage {
        let mut storage = MockStorage::new();
        source(&mut storage, "hub", Some(NOW - 100));
        source(&mut storage, "osmo", Some(NOW));
        source(&mut storage, "quiet", None);
        price(&mut storage, "ATOM", Decimal::from_ratio(10u128, 1u128));
        price(&mut storage, "STK", Decimal::from_ratio(9u128, 1u128));
        price(&mut storage, "OSMO", Decimal::one());
        asset(&mut storage, "hub", "uatom", "ATOM", Some("ATOM"), 100_000_000);
        // priced at the higher of its symbol (9) and its underlying (10)
        asset(&mut storage, "hub", "ustk", "STK", Some("ATOM"), 50_000_000);
        asset(&mut storage, "hub", "udisabled", "ATOM", None, 70_000_000);
        asset(&mut storage, "osmo", "uosmo", "OSMO", None, 300_000_000);
        asset(&mut storage, "osmo", "unpriced", "NOPE", None, 10_000_000);
        // never heard from: stale, worth nothing
        asset(&mut storage, "quiet", "uatom", "ATOM", None, 1_000_000_000);
        // not listed: not counted
        let unlisted = SourceAssetTotals { usable: Uint128::new(5), ..Default::default() };
        SOURCE_TOTALS.save(&mut storage, ("hub", "uother"), &unlisted).unwrap();
        let cap = SourceCap { max_share: Decimal::percent(50), max_value: None };
        SOURCE_CAPS.save(&mut storage, "hub", &cap).unwrap();
        storage
    }

    fn ctx(risk: &RiskParams) -> Context<'_> {
        Context { now: NOW, mode: Freshness::Strict, risk, quote_decimals: 6, max_staleness_seconds: 3600 }
    }

    #[test]
    fn every_source_is_valued_as_accounts_value_its_items() {
        let storage = book();
        let risk = risk();
        let v = values(&storage, &ctx(&risk), None).unwrap();
        assert!(v.complete);
        let ids: Vec<&str> = v.sources.iter().map(|s| s.source_id.as_str()).collect();
        assert_eq!(ids, ["hub", "osmo", "quiet"]);
        let (hub, osmo, quiet) = (&v.sources[0], &v.sources[1], &v.sources[2]);
        let values_of = |s: &SourceValue| s.assets.iter().map(|a| a.value).collect::<Vec<_>>();
        // listings by key: uatom, udisabled, ustk
        assert_eq!(values_of(hub), [expected(100_000_000, 10, 100), Uint128::zero(), expected(50_000_000, 10, 100)]);
        assert_eq!(hub.raw, expected(100_000_000, 10, 100) + expected(50_000_000, 10, 100));
        assert_eq!(hub.valued_assets, 2);
        assert_eq!(values_of(osmo), [Uint128::zero(), expected(300_000_000, 1, 0)]);
        assert_eq!((quiet.raw, quiet.valued_assets), (Uint128::zero(), 0));
        assert_eq!(v.total, hub.raw + osmo.raw);
        // hub at 50%: ⌊0.5 / 0.5 × others⌋ = the other sources' value, factor
        // ⌊limit / (raw + 2)⌋; the others are not capped
        let limit = osmo.raw + quiet.raw;
        assert_eq!(v.limit_of(hub).unwrap(), Some(limit));
        let f = Decimal::from_ratio(limit, hub.raw + Uint128::new(2));
        assert_eq!(v.factor_of(hub).unwrap(), f);
        assert_eq!((v.limit_of(osmo).unwrap(), v.factor_of(osmo).unwrap()), (None, Decimal::one()));
        let factors = v.factors().unwrap();
        assert_eq!(factors.0, vec![("hub".to_string(), f)]);

        // A withdrawal under decision is judged on the totals after it.
        let key = AssetInfo::native("uatom").key();
        let adjust = Adjustment {
            source_id: "hub",
            asset_key: &key,
            before: Uint128::new(60_000_000),
            after: Uint128::new(20_000_000),
        };
        let after = values(&storage, &ctx(&risk), Some(&adjust)).unwrap();
        assert_eq!(after.sources[0].assets[0].value, expected(60_000_000, 10, 100));
        // Lenient prices may be older; here they are the same prices.
        let lenient = Context { mode: Freshness::Lenient, ..ctx(&risk) };
        assert_eq!(values(&storage, &lenient, None).unwrap().total, v.total);
    }

    /// Totals too large to value (amounts above `i128`) cannot stop an evaluation (liquidation
    /// must go on): every capped source then backs no initial margin at all.
    #[test]
    fn totals_that_cannot_be_valued_leave_capped_sources_backing_nothing() {
        let mut storage = book();
        let huge = SourceAssetTotals { reported: Uint128::MAX, reserved: Uint128::zero(), usable: Uint128::MAX };
        SOURCE_TOTALS.save(&mut storage, ("osmo", &AssetInfo::native("uosmo").key()), &huge).unwrap();
        let risk = risk();
        let v = values(&storage, &ctx(&risk), None).unwrap();
        assert!(!v.complete);
        let factors = v.factors().unwrap();
        assert_eq!((factors.of("hub"), factors.of("osmo")), (Decimal::zero(), Decimal::one()));
    }
}

/// A source that reports more collateral (a captured chain forging updates) does not raise
/// its own limit: the share is measured against the other sources only.
#[test]
fn a_source_reporting_more_does_not_raise_its_own_limit() {
    let c = cap(20, None);
    let others = Uint128::new(800_000);
    let honest = limit(&c, others).unwrap().unwrap();
    assert_eq!(honest, Uint128::new(200_000));
    for raw in [Uint128::new(200_000), Uint128::new(10u128.pow(12)), Uint128::MAX - Uint128::new(10)] {
        let counted = initial_amount(raw, factor(Some(honest), raw, 1));
        assert!(counted <= honest, "raw {raw}: counted {counted} > {honest}");
    }
}
