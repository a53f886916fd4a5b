//! Expected margins computed independently by `scripts/margin_reference.py` (mpmath, 40 digits,
//! Black-Scholes from scratch) and committed as `testdata/reference.json`. Each account is
//! rebuilt from the JSON; every result must match within the case's `tolerance` (one base unit
//! per directed rounding, i.e. a few micro-dollars on values of 1e9 to 1e11 base units).

use isthmus_margin::{
    evaluate, Account, CollateralItem, CollateralPrice, ExpiryVol, Fixed, HaircutParams, Leg, MarginBreakdown,
    MarginParams, OptionKind, UnderlyingBook, VolShock,
};
use serde_json::Value;

const JSON: &str = include_str!("../testdata/reference.json");

/// Exact decimal ("0.05") or ratio ("30/365") string → `Fixed` (rounded to nearest).
fn fixed(v: &Value) -> Fixed {
    let s = v.as_str().expect("number as string");
    if let Some((a, b)) = s.split_once('/') {
        return Fixed::from_ratio(a.parse().unwrap(), b.parse().unwrap()).unwrap();
    }
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let den = 10i128.pow(frac.len() as u32);
    let num: i128 = format!("{int}{frac}").parse().unwrap();
    Fixed::from_ratio(num, den).unwrap()
}

fn int(v: &Value) -> i128 {
    v.as_i64().map(i128::from).or_else(|| v.as_u64().map(i128::from)).expect("integer")
}

fn params(p: &Value) -> MarginParams {
    let shock = |v: &Value| match v.as_str().unwrap() {
        "down" => VolShock::Down,
        "none" => VolShock::None,
        _ => VolShock::Up,
    };
    MarginParams {
        spot_moves: p["spot_moves"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| Fixed::from_ratio(int(m), 100).unwrap())
            .collect(),
        vol_shocks: p["vol_shocks"].as_array().unwrap().iter().map(shock).collect(),
        vol_shock_up: fixed(&p["vol_shock_up"]),
        vol_shock_down: fixed(&p["vol_shock_down"]),
        vol_shock_exponent: fixed(&p["vol_shock_exponent"]),
        vol_shock_reference_days: fixed(&p["vol_shock_reference_days"]),
        min_days_to_expiry: fixed(&p["min_days_to_expiry"]),
        min_vol: fixed(&p["min_vol"]),
        short_option_floor: fixed(&p["short_option_floor"]),
        initial_margin_factor: fixed(&p["initial_margin_factor"]),
        quote_decimals: int(&p["quote_decimals"]) as u32,
        tail_moves: vec![],
        tail_weight: Fixed::ZERO,
    }
}

fn account(a: &Value) -> Account {
    let leg = |l: &Value| Leg {
        kind: if l["kind"] == "call" { OptionKind::Call } else { OptionKind::Put },
        strike: fixed(&l["strike"]),
        expiry_years: fixed(&l["expiry_years"]),
        quantity: int(&l["quantity"]),
        contract_size: fixed(&l["contract_size"]),
    };
    let book = |u: &Value| UnderlyingBook {
        spot: fixed(&u["spot"]),
        rate: fixed(&u["rate"]),
        vols: u["vols"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| ExpiryVol { expiry_years: fixed(&e["expiry_years"]), vol: fixed(&e["vol"]) })
            .collect(),
        legs: u["legs"].as_array().unwrap().iter().map(leg).collect(),
    };
    let coll = |c: &Value| {
        let h = &c["haircut"];
        // `initial_amount` (the part that may back initial margin) defaults to the amount.
        let amount = int(&c["amount"]) as u128;
        CollateralItem {
            amount,
            initial_amount: c.get("initial_amount").map_or(amount, |v| int(v) as u128),
            decimals: int(&c["decimals"]) as u32,
            price: match c.get("underlying") {
                Some(i) => CollateralPrice::Underlying { index: int(i) as usize },
                None => CollateralPrice::Oracle { price: fixed(&c["price"]) },
            },
            vol: fixed(&c["vol"]),
            staleness_seconds: int(&c["staleness_seconds"]) as u64,
            haircut: HaircutParams {
                base: fixed(&h["base"]),
                z: fixed(&h["z"]),
                seize_latency_seconds: int(&h["seize_latency_seconds"]) as u64,
                max_staleness_seconds: int(&h["max_staleness_seconds"]) as u64,
            },
        }
    };
    Account {
        cash: int(&a["cash"]),
        underlyings: a["underlyings"].as_array().unwrap().iter().map(book).collect(),
        collateral: a["collateral"].as_array().unwrap().iter().map(coll).collect(),
    }
}

struct Case {
    account: Account,
    result: MarginBreakdown,
    expected: Value,
}

fn cases() -> Vec<(String, Case)> {
    let doc: Value = serde_json::from_str(JSON).unwrap();
    let p = params(&doc["params"]);
    assert_eq!(p, MarginParams::default(), "the reference was generated with the default parameters");
    doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let account = account(&c["account"]);
            let result = evaluate(&account, &p).unwrap();
            (c["name"].as_str().unwrap().to_string(), Case { account, result, expected: c["expected"].clone() })
        })
        .collect()
}

fn case(all: &[(String, Case)], name: &str) -> MarginBreakdown {
    all.iter().find(|(n, _)| n == name).map(|(_, c)| c.result.clone()).unwrap()
}

#[test]
fn every_case_matches_the_independent_reference() {
    let all = cases();
    assert_eq!(all.len(), 9);
    let max_diff = core::cell::Cell::new(0i128);
    for (name, c) in &all {
        let (r, e) = (&c.result, &c.expected);
        let tol = int(&e["tolerance"]);
        let check = |what: &str, got: i128, want: &Value| {
            let want = int(want);
            max_diff.set(max_diff.get().max((got - want).abs()));
            assert!((got - want).abs() <= tol, "{name}: {what} = {got}, reference {want} (tolerance {tol})");
        };
        check("equity", r.equity.get(), &e["equity"]);
        check("equity_initial", r.equity_initial.get(), &e["equity_initial"]);
        check("collateral_value", r.collateral_value.get(), &e["collateral_value"]);
        check("collateral_value_initial", r.collateral_value_initial.get(), &e["collateral_value_initial"]);
        check("short_options_mark", r.short_options_mark.get(), &e["short_mark"]);
        check("long_options_mark", r.long_options_mark.get(), &e["long_mark"]);
        check("maintenance_margin", r.maintenance_margin.get(), &e["maintenance_margin"]);
        // IM = 1.3 × basis: its tolerance scales with the factor
        let want_im = int(&e["initial_margin"]);
        assert!(
            (r.initial_margin.get() - want_im).abs() <= 2 * tol,
            "{name}: IM {} vs {want_im}",
            r.initial_margin.get()
        );
        for (u, eu) in r.underlyings.iter().zip(e["underlyings"].as_array().unwrap()) {
            check("worst_loss", u.worst_loss.get(), &eu["worst_loss"]);
            check("worst_loss_initial", u.worst_loss_initial.get(), &eu["worst_loss_initial"]);
            check("short_floor", u.short_floor.get(), &eu["short_floor"]);
            assert_eq!(u.worst_scenario as i128, int(&eu["worst_scenario"]), "{name}: worst scenario");
        }
        assert!(c.account.underlyings.len() == r.underlyings.len());
    }
    eprintln!("largest difference from the reference: {} base units", max_diff.get());
}

/// The headline numbers, in quote base units (6 decimals), pinned so a change is visible.
#[test]
fn headline_numbers() {
    let all = cases();
    let near = |got: i128, want: i128| (got - want).abs() <= 8;
    let naked = case(&all, "naked_short_call");
    assert!(near(naked.maintenance_margin.get(), 6_202_022_803), "{}", naked.maintenance_margin.get());
    assert_eq!(naked.underlyings[0].worst.to_string(), "spot +30.00% vol up");
    let spread = case(&all, "call_spread");
    assert!(near(spread.maintenance_margin.get(), 1_639_679_974), "{}", spread.maintenance_margin.get());
    let covered = case(&all, "covered_call");
    assert!(near(covered.maintenance_margin.get(), 617_002_964), "{}", covered.maintenance_margin.get());
    let straddle = case(&all, "short_straddle_7d");
    assert!(near(straddle.maintenance_margin.get(), 3_612_189_572), "{}", straddle.maintenance_margin.get());
    let two = case(&all, "two_sources");
    assert!(near(two.equity.get(), 43_515_892_049) && near(two.equity_initial.get(), 19_308_354_178));
    assert!(near(two.maintenance_margin.get(), 759_984_791) && near(two.initial_margin.get(), 3_379_450_535));
}

#[test]
fn spreads_and_covered_calls_need_less_than_their_short_leg() {
    let all = cases();
    let naked = case(&all, "naked_short_call");
    let spread = case(&all, "call_spread");
    // vertical spread: less than the short leg alone, and at most the strike width (10 × 300)
    // plus the floor
    assert!(spread.maintenance_margin.get() < naked.maintenance_margin.get());
    assert!(spread.underlyings[0].worst_loss.get() <= 3_000_000_000);
    // covered call: less than the naked call, and less than the same ETH valued as unlinked
    let covered = case(&all, "covered_call");
    let unlinked = case(&all, "short_call_eth_unlinked");
    assert!(covered.maintenance_margin.get() < naked.maintenance_margin.get() / 5);
    assert_eq!(unlinked.maintenance_margin.get(), naked.maintenance_margin.get());
    assert_eq!(covered.equity.get(), unlinked.equity.get());
    // collateral alone needs no margin (its own downside is its haircut)
    assert_eq!(case(&all, "eth_collateral_only").maintenance_margin.get(), 0);
    // calendar: the long 30-day call covers the short 7-day call in every scenario: floor only
    // (1 % × 3000 × 10 contracts = 300 quote; 0.01 is not exact in binary and the floor rounds
    // up, so 300 quote + at most one base unit)
    let calendar = case(&all, "calendar");
    assert!(calendar.underlyings[0].worst_loss.get() < 0);
    assert!(
        (300_000_000..=300_000_001).contains(&calendar.maintenance_margin.get()),
        "{}",
        calendar.maintenance_margin.get()
    );
}

#[test]
fn two_sources_with_different_staleness() {
    let all = cases();
    let r = case(&all, "two_sources");
    // stale ETH and USDC count for maintenance but not for initial margin
    assert!(r.equity_initial.get() < r.equity.get());
    assert!(r.underlyings[0].worst_loss_initial.get() > r.underlyings[0].worst_loss.get());
    assert!(r.initial_margin.get() > r.maintenance_margin.get());
    assert!(!r.is_liquidatable() && r.meets_initial_margin());
}

/// Items of which only a part may back initial margin (a per-source cap): maintenance is that
/// of the whole items, exactly as the covered call plus the same items in full would have it;
/// the initial basis loses the credit of the ETH that does not count.
#[test]
fn initial_amounts_lower_only_the_initial_margin() {
    let all = cases();
    let r = case(&all, "initial_amounts");
    let covered = case(&all, "covered_call");
    assert_eq!(r.maintenance_margin.get(), covered.maintenance_margin.get());
    assert_eq!(r.underlyings[0].worst_loss.get(), covered.underlyings[0].worst_loss.get());
    assert!(r.underlyings[0].worst_loss_initial.get() > covered.underlyings[0].worst_loss_initial.get());
    assert!(
        r.collateral_value_initial.get() < r.collateral_value.get()
            && r.initial_margin.get() > covered.initial_margin.get()
    );
    let near = |got: i128, want: i128| (got - want).abs() <= 8;
    assert!(near(r.equity.get(), 50_445_507_746) && near(r.equity_initial.get(), 15_568_038_305), "{r:?}");
    assert!(near(r.initial_margin.get(), 3_505_472_515), "{}", r.initial_margin.get());
    // The same account with every item counted in full for initial margin
    let mut full = all.iter().find(|(n, _)| n == "initial_amounts").unwrap().1.account.clone();
    for c in &mut full.collateral {
        c.initial_amount = c.amount;
    }
    let full = evaluate(&full, &MarginParams::default()).unwrap();
    assert_eq!((full.equity.get(), full.maintenance_margin.get()), (r.equity.get(), r.maintenance_margin.get()));
    assert!(full.equity_initial.get() > r.equity_initial.get() && full.initial_margin.get() < r.initial_margin.get());
}

/// Cost: one `price` call per (strike, expiry) node and scenario, the base scenario shared.
#[test]
fn price_call_counts() {
    let all = cases();
    assert_eq!(case(&all, "naked_short_call").price_calls, 27);
    assert_eq!(case(&all, "call_spread").price_calls, 54);
    // call and put at one strike: one price call, the put by parity
    assert_eq!(case(&all, "short_straddle_7d").price_calls, 27);
    assert_eq!(case(&all, "eth_collateral_only").price_calls, 0);
}
