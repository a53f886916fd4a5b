//! Market set-up and actions on the target chain for scenarios: symbols, feeders, series,
//! liquidity, trades, and invariant 3 (cash conservation on T).

use anyhow::{ensure, Result};
use cosmwasm_std::{coin, Addr, Decimal, Int128, Uint128};
use cw_multi_test::AppResponse;
use isthmus_ibc_bench::Side;
use isthmus_protocol::engine::{self, OptionKind, PriceInput, SeriesParams, SymbolParams, TradeLeg, VolInput};

use crate::suite::{Suite, USDC};

pub const DAY: u64 = 86_400;
/// Series listed by [`Suite::open_market`]: (call 10, put 10, call 11), 30 days, ATOM.
pub struct Listed {
    pub expiry: u64,
    pub call_10: u64,
    pub put_10: u64,
    pub call_11: u64,
}

impl Suite {
    pub fn target_user(&self, name: &str) -> Addr {
        self.chains.addr(Side::Target, name)
    }

    pub fn engine_as(
        &mut self,
        name: &str,
        msg: &engine::ExecuteMsg,
        funds: &[cosmwasm_std::Coin],
    ) -> Result<AppResponse> {
        let (who, engine) = (self.target_user(name), self.engine.clone());
        self.chains.execute(Side::Target, &who, &engine, msg, funds)
    }

    pub fn admin_engine(&mut self, msg: &engine::ExecuteMsg) -> Result<AppResponse> {
        let admin = self.target_admin.clone();
        self.engine_execute(&admin, msg)
    }

    pub fn now(&self) -> u64 {
        self.chains.time(Side::Target).seconds()
    }

    /// Push a spot price for `symbol` published now.
    pub fn push_price(&mut self, symbol: &str, price: Decimal) -> Result<AppResponse> {
        let now = self.now();
        let msg = engine::ExecuteMsg::PushPrices {
            prices: vec![PriceInput { symbol: symbol.to_string(), price, publish_time: now }],
        };
        let pushed = self.engine_as("feeder", &msg, &[])?;
        self.keep_pool_risk_fresh(symbol)?;
        Ok(pushed)
    }

    /// What the feeder bot does after each push: refresh the pool's risk on `underlying` when
    /// new risk would be refused against it (docs/pool-risk.md). A refresh needs fresh prices;
    /// one refused for a price or vol not pushed yet waits for the next push, as a keeper's
    /// would. Staleness itself is tested with raw pushes (`integration/pool_risk.rs`).
    pub fn keep_pool_risk_fresh(&mut self, underlying: &str) -> Result<()> {
        let msg = isthmus_protocol::lens::QueryMsg::PoolRisk { underlying: underlying.to_string() };
        let Ok(risk) = self.view::<engine::PoolRiskResponse>(&msg) else { return Ok(()) }; // no series on it
        if risk.stale.is_none() && !risk.refreshing {
            return Ok(());
        }
        let refresh = engine::ExecuteMsg::RefreshPoolRisk { underlying: underlying.to_string(), limit: None };
        loop {
            match self.engine_as("keeper", &refresh, &[]) {
                Ok(r) if crate::market::attr(&r, "finished") == "true" => return Ok(()),
                Ok(_) => continue,
                Err(e) => {
                    use options_engine::error::ContractError as E;
                    return match crate::errors::contract_error::<E>(&e) {
                        Some(E::StalePrice { .. } | E::StaleVol { .. } | E::NoPrice { .. } | E::NoVol { .. }) => Ok(()),
                        _ => Err(e),
                    };
                }
            }
        }
    }

    pub fn push_vol(&mut self, underlying: &str, expiry: u64, vol: Decimal) -> Result<AppResponse> {
        let now = self.now();
        let msg = engine::ExecuteMsg::PushVols {
            vols: vec![VolInput { underlying: underlying.to_string(), expiry, vol, publish_time: now }],
        };
        let pushed = self.engine_as("feeder", &msg, &[])?;
        self.keep_pool_risk_fresh(underlying)?;
        Ok(pushed)
    }

    /// ATOM at 10 USDC, 60% vol, three 30-day series, and `liquidity` USDC in the pool.
    pub fn open_market(&mut self, liquidity: u128) -> Result<Listed> {
        let feeder = self.target_user("feeder").to_string();
        self.admin_engine(&engine::ExecuteMsg::SetFeeder { address: feeder, price: true, vol: true })?;
        self.admin_engine(&engine::ExecuteMsg::ConfigureSymbol(SymbolParams {
            symbol: "ATOM".into(),
            max_price_age_seconds: 60,
            lenient_price_age_seconds: 7 * DAY,
            max_vol_age_seconds: 3600,
            max_pool_delta: Decimal::from_ratio(5_000u128, 1u128),
        }))?;
        let expiry = self.now() + 30 * DAY;
        let mut ids = vec![];
        for (kind, strike) in [(OptionKind::Call, 10u128), (OptionKind::Put, 10), (OptionKind::Call, 11)] {
            let r = self.admin_engine(&engine::ExecuteMsg::ListSeries(SeriesParams {
                underlying: "ATOM".into(),
                strike: Decimal::from_ratio(strike, 1u128),
                expiry,
                kind,
                contract_size: Decimal::one(),
                open_interest_cap: Uint128::new(10_000),
            }))?;
            ids.push(attr(&r, "series_id").parse()?);
        }
        self.push_price("ATOM", Decimal::from_ratio(10u128, 1u128))?;
        self.push_vol("ATOM", expiry, Decimal::percent(60))?;
        if liquidity > 0 {
            self.engine_as("lp", &engine::ExecuteMsg::PoolDeposit {}, &[coin(liquidity, USDC)])?;
        }
        Ok(Listed { expiry, call_10: ids[0], put_10: ids[1], call_11: ids[2] })
    }

    /// The slightly unhealthy put writer: on a fresh market with ATOM listed as collateral,
    /// `name` deposits 100 ATOM and writes 10-strike puts in steps of 10 for as long as its
    /// initial margin allows, then ATOM falls until it is liquidatable. Returns the market and
    /// the contracts written.
    pub fn put_writer_just_liquidatable(&mut self, name: &str) -> Result<(Listed, i64)> {
        let listed = self.open_market(1_000_000_000_000)?;
        self.list_atom_collateral()?;
        self.deposit_atom(name, 100_000_000)?;
        self.resolve_all_and_check()?;
        let mut written = 0;
        while self.trade(name, &[(listed.put_10, -10)], i128::MAX).is_ok() {
            written += 10;
        }
        anyhow::ensure!(written >= 20, "wrote only {written}");
        self.fall_until_liquidatable(name, &listed)?;
        Ok((listed, written))
    }

    /// ATOM falls from 10 in steps of 0.05 (30 s apart, vol kept at 60%) until `name` is
    /// liquidatable: an account just under its maintenance margin. Returns the price.
    pub fn fall_until_liquidatable(&mut self, name: &str, listed: &Listed) -> Result<Decimal> {
        let mut price = Decimal::from_ratio(10u128, 1u128);
        while !self.margin(name)?.liquidatable {
            price = price.checked_sub(Decimal::percent(5))?;
            self.chains.advance_all(30);
            self.push_price("ATOM", price)?;
            self.push_vol("ATOM", listed.expiry, Decimal::percent(60))?;
        }
        Ok(price)
    }

    pub fn deposit_cash(&mut self, name: &str, amount: u128) -> Result<AppResponse> {
        self.engine_as(name, &engine::ExecuteMsg::DepositCash {}, &[coin(amount, USDC)])
    }

    pub fn trade(&mut self, name: &str, legs: &[(u64, i64)], max_cost: i128) -> Result<AppResponse> {
        let legs =
            legs.iter().map(|(series_id, quantity)| TradeLeg { series_id: *series_id, quantity: *quantity }).collect();
        self.engine_as(name, &engine::ExecuteMsg::Trade { legs, max_cost: Int128::new(max_cost) }, &[])
    }

    pub fn simulate(&self, name: &str, legs: &[(u64, i64)]) -> Result<engine::SimulateTradeResponse> {
        self.simulate_with_limit(name, legs, None)
    }

    pub fn simulate_with_limit(
        &self,
        name: &str,
        legs: &[(u64, i64)],
        max_cost: Option<i128>,
    ) -> Result<engine::SimulateTradeResponse> {
        let legs =
            legs.iter().map(|(series_id, quantity)| TradeLeg { series_id: *series_id, quantity: *quantity }).collect();
        self.view(&isthmus_protocol::lens::QueryMsg::SimulateTrade {
            account: self.target_user(name).to_string(),
            legs,
            max_cost: max_cost.map(Int128::new),
        })
    }

    pub fn margin(&self, name: &str) -> Result<engine::MarginResponse> {
        Ok(self.chains.target.wrap().query_wasm_smart(
            &self.engine,
            &engine::QueryMsg::Margin { account: self.target_user(name).to_string() },
        )?)
    }

    pub fn engine_account(&self, name: &str) -> Result<engine::AccountResponse> {
        Ok(self.chains.target.wrap().query_wasm_smart(
            &self.engine,
            &engine::QueryMsg::Account { account: self.target_user(name).to_string() },
        )?)
    }

    pub fn pool(&self) -> Result<engine::PoolResponse> {
        self.view(&isthmus_protocol::lens::QueryMsg::Pool {})
    }

    /// Invariant 3: the quote tokens held by the engine and the controller equal the sum of
    /// account cash (signed: debt is negative), the pool's cash, the keepers' escrow and the
    /// insurance fund, plus whatever was merely sent to them (a surplus; see `Suite::donate`).
    pub fn check_cash_conservation(&self) -> Result<()> {
        let held = self.native_balance(Side::Target, &self.engine, USDC)? as i128
            + self.native_balance(Side::Target, &self.controller, USDC)? as i128;
        let funds: isthmus_protocol::controller::FundsResponse = self
            .chains
            .target
            .wrap()
            .query_wasm_smart(&self.controller, &isthmus_protocol::controller::QueryMsg::Funds {})?;
        let mut sum = self.pool()?.cash.i128()
            + funds.escrow.u128() as i128
            + funds.insurance.u128() as i128
            + self.pending_pool_deposits()? as i128;
        for name in TARGET_ACCOUNTS {
            sum += self.engine_account(name)?.cash.i128();
        }
        // Tokens merely sent to the contracts are a surplus on top of the books, not a
        // violation; the suite knows how much it sent, so any other difference still fails.
        let donated = (self.donated(Side::Target, &self.engine, USDC)
            + self.donated(Side::Target, &self.controller, USDC)) as i128;
        ensure!(
            held == sum + donated,
            "invariant 3 broken: engine and controller hold {held} {USDC}, books say {sum}, donated {donated}"
        );
        Ok(())
    }
}

/// Accounts on the target chain that scenarios use.
pub const TARGET_ACCOUNTS: [&str; 5] = ["alice", "bob", "carol", "lp", "keeper"];

impl Suite {
    /// Invariant 5 (token solvency on T, docs/solvency.md): the quote tokens the engine holds
    /// cover every positive claim on it, and those the controller holds cover every claim on
    /// it. Claims are read as a user could withdraw them, never netted against debts:
    ///
    /// ```text
    /// liquid L           = pool cash - Σ max(-cash_a, 0)              (>= 0: no debt was paid out)
    /// engine tokens     >= Σ max(cash_a, 0) + min(Σ claim_a, L) + pool redeemable + pending deposits
    /// pool redeemable    = min(value of all shares at the exit NAV, L - Σ claim_a)
    /// controller tokens >= insurance fund + keepers' escrow
    /// ```
    ///
    /// A claim is what the pool owes an account and could not pay: it is paid out of `L` before
    /// anything else, so the tokens must cover as much of the claims as `L` can pay, and the
    /// LPs can take only what is left.
    ///
    /// The receivable is summed here from the accounts, independently of the engine's own
    /// running total, which must agree with it.
    pub fn check_token_solvency(&self) -> Result<()> {
        let engine_tokens = self.native_balance(Side::Target, &self.engine, USDC)?;
        let (mut positive, mut debts, mut claims) = (0u128, 0u128, 0u128);
        for name in TARGET_ACCOUNTS {
            let account = self.engine_account(name)?;
            claims += account.claim.u128();
            let cash = account.cash.i128();
            if cash >= 0 {
                positive += cash.unsigned_abs();
            } else {
                debts += cash.unsigned_abs();
            }
        }
        let pool = self.pool()?;
        ensure!(
            pool.receivable.u128() == debts,
            "invariant 5: the engine's receivable {} differs from the sum of debts {debts}",
            pool.receivable
        );
        ensure!(
            pool.claims.u128() == claims,
            "invariant 5: the pool's claims {} differ from the sum of the accounts' claims {claims}",
            pool.claims
        );
        let liquid = pool.cash.i128() - debts as i128;
        ensure!(liquid >= 0, "invariant 5 broken: the pool's liquid cash is {liquid}: it paid out debts");
        let claims_payable = claims.min(liquid as u128);
        let free = liquid - claims as i128;
        let redeemable = if pool.total_shares.is_zero() { 0 } else { pool.nav.i128().max(0).min(free.max(0)) as u128 };
        // Deposits waiting for their notice are their LPs' tokens until they complete.
        let pending = self.pending_pool_deposits()?;
        ensure!(
            engine_tokens >= positive + claims_payable + redeemable + pending,
            "invariant 5 broken: engine holds {engine_tokens} {USDC}, positive cash {positive} + payable claims \
             {claims_payable} + pool redeemable {redeemable} + pending deposits {pending}"
        );
        let funds = self.funds()?;
        let controller_tokens = self.native_balance(Side::Target, &self.controller, USDC)?;
        ensure!(
            controller_tokens >= funds.insurance.u128() + funds.escrow.u128(),
            "invariant 5 broken: controller holds {controller_tokens} {USDC}, insurance {} + escrow {}",
            funds.insurance,
            funds.escrow
        );
        Ok(())
    }
}

impl Suite {
    /// Pending pool requests, all pages.
    pub fn pool_requests(&self) -> Result<Vec<engine::PoolRequest>> {
        let mut out: Vec<engine::PoolRequest> = vec![];
        loop {
            let page: engine::PoolRequestsResponse = self.view(&isthmus_protocol::lens::QueryMsg::PoolRequests {
                lp: None,
                start_after: out.last().map(|r| r.request_id),
                limit: Some(30),
            })?;
            let done = page.requests.len() < 30;
            out.extend(page.requests);
            if done {
                return Ok(out);
            }
        }
    }

    /// Quote tokens the engine holds for deposits waiting for their notice.
    pub fn pending_pool_deposits(&self) -> Result<u128> {
        Ok(self
            .pool_requests()?
            .iter()
            .map(|r| match r.kind {
                engine::PoolRequestKind::Deposit { amount, .. } => amount.u128(),
                engine::PoolRequestKind::Redemption { .. } => 0,
            })
            .sum())
    }
}

pub fn attr(r: &AppResponse, key: &str) -> String {
    r.events
        .iter()
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == key)
        .map(|a| a.value.clone())
        .unwrap_or_default()
}

/// One source's collateral of an account, as a keeper ranks it for a seize.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeizeCandidate {
    pub source: usize,
    /// Usable amount (base units of the source's native asset) and its quote value.
    pub usable: u128,
    pub value: u128,
    /// Not heard from within the seize latency: expected to be slow to answer.
    pub slow: bool,
}

/// A crash scenario: alice's account writes puts backed by 100 ATOM held in the source
/// vault; ATOM then falls to 5 and her account goes under maintenance margin.
pub struct Crash {
    pub listed: Listed,
}

impl Suite {
    /// List ATOM from the source vault as collateral of the market (priced by the ATOM
    /// symbol, 60% vol for the haircut, moving with the ATOM underlying).
    pub fn list_atom_collateral(&mut self) -> Result<()> {
        self.list_native_collateral(0, Decimal::from_ratio(10u128, 1u128))
    }

    /// List source `source`'s native denom as collateral (60% vol for the haircut). The first
    /// source's ATOM moves with the ATOM underlying of [`Suite::open_market`]; any other
    /// source's asset gets its own oracle symbol, published now at `price`, with no options on
    /// it (its own price risk is what the haircut covers).
    pub fn list_native_collateral(&mut self, source: usize, price: Decimal) -> Result<()> {
        let admin = self.target_admin.clone();
        let profile = self.sources[source].profile;
        let linked = profile.symbol == "ATOM";
        if !linked {
            let feeder = self.target_user("feeder").to_string();
            self.engine_execute(&admin, &engine::ExecuteMsg::SetFeeder { address: feeder, price: true, vol: true })?;
            self.engine_execute(
                &admin,
                &engine::ExecuteMsg::ConfigureSymbol(SymbolParams {
                    symbol: profile.symbol.into(),
                    max_price_age_seconds: 60,
                    lenient_price_age_seconds: 7 * DAY,
                    max_vol_age_seconds: 3600,
                    max_pool_delta: Decimal::from_ratio(5_000u128, 1u128),
                }),
            )?;
            self.push_price(profile.symbol, price)?;
        }
        self.engine_execute(
            &admin,
            &engine::ExecuteMsg::SetCollateralAsset {
                source_id: profile.source_id.into(),
                asset: self.sources[source].native(),
                symbol: profile.symbol.into(),
                decimals: 6,
                enabled: true,
            },
        )?;
        self.engine_execute(
            &admin,
            &engine::ExecuteMsg::SetCollateralRisk {
                source_id: profile.source_id.into(),
                asset: self.sources[source].native(),
                vol: Decimal::percent(60),
                underlying: linked.then(|| "ATOM".into()),
            },
        )?;
        Ok(())
    }

    pub fn crash(&mut self) -> Result<Crash> {
        let listed = self.open_market(1_000_000_000_000)?;
        self.list_atom_collateral()?;
        self.deposit_atom("alice", 100_000_000)?;
        self.resolve_all_and_check()?;
        self.trade("alice", &[(listed.put_10, -150)], i128::MAX)?;
        self.chains.advance_all(60);
        self.push_price("ATOM", Decimal::from_ratio(5u128, 1u128))?;
        self.push_vol("ATOM", listed.expiry, Decimal::percent(60))?;
        Ok(Crash { listed })
    }

    pub fn controller_as(
        &mut self,
        name: &str,
        msg: &isthmus_protocol::controller::ExecuteMsg,
        funds: &[cosmwasm_std::Coin],
    ) -> Result<AppResponse> {
        let (who, controller) = (self.target_user(name), self.controller.clone());
        self.chains.execute(Side::Target, &who, &controller, msg, funds)
    }

    /// A keeper repays `repay` of `debtor`'s debt and seizes its first-source ATOM for
    /// `recipient` (a name on the source chain). Returns the seize id.
    pub fn keeper_seize(&mut self, keeper: &str, debtor: &str, repay: u128, recipient: &str) -> Result<u64> {
        self.keeper_seize_on(0, keeper, debtor, repay, recipient)
    }

    /// The same against source `source`'s native collateral.
    pub fn keeper_seize_on(
        &mut self,
        source: usize,
        keeper: &str,
        debtor: &str,
        repay: u128,
        recipient: &str,
    ) -> Result<u64> {
        let msg = isthmus_protocol::controller::ExecuteMsg::Seize {
            account: self.target_user(debtor).to_string(),
            source_id: self.sources[source].source_id().into(),
            owner: self.user_on(source, debtor).to_string(),
            asset: self.sources[source].native(),
            recipient: isthmus_protocol::packet::SeizeRecipient::Local {
                address: self.user_on(source, recipient).to_string(),
            },
        };
        let r = self.controller_as(keeper, &msg, &[coin(repay, USDC)])?;
        Ok(attr(&r, "seize_id").parse()?)
    }

    /// Where a keeper should seize `name`'s collateral first (docs/liquidation.md, "Which
    /// chain first"): sources heard from within `seize_latency_seconds` before those that
    /// have gone quiet (a seize there may take longer than the haircut covers, or never land),
    /// then the most valuable collateral at the engine's price. Zero-value positions are left
    /// out.
    pub fn seize_order(&self, name: &str, seize_latency_seconds: u64) -> Result<Vec<SeizeCandidate>> {
        let mut out = vec![];
        for (source, deployment) in self.sources.iter().enumerate() {
            let asset = deployment.native();
            let usable = self.engine_position_on(source, name, &asset)?.usable.u128();
            let price: engine::PriceResponse =
                self.view(&isthmus_protocol::lens::QueryMsg::Price { symbol: deployment.profile.symbol.into() })?;
            let value = Uint128::new(usable).mul_floor(price.price).u128();
            let state: engine::SourceResponse =
                self.view(&isthmus_protocol::lens::QueryMsg::Source { source_id: deployment.source_id().into() })?;
            let slow = state.staleness_seconds.is_none_or(|s| s > seize_latency_seconds);
            if value > 0 {
                out.push(SeizeCandidate { source, usable, value, slow });
            }
        }
        out.sort_by_key(|c| (c.slow, std::cmp::Reverse(c.value)));
        Ok(out)
    }

    pub fn seize_record(&self, seize_id: u64) -> Result<isthmus_protocol::controller::SeizeResponse> {
        Ok(self
            .chains
            .target
            .wrap()
            .query_wasm_smart(&self.controller, &isthmus_protocol::controller::QueryMsg::SeizeRecord { seize_id })?)
    }

    pub fn funds(&self) -> Result<isthmus_protocol::controller::FundsResponse> {
        Ok(self
            .chains
            .target
            .wrap()
            .query_wasm_smart(&self.controller, &isthmus_protocol::controller::QueryMsg::Funds {})?)
    }

    /// Invariants 1, 2, 3, 5, 6, 8 and 9 together (the same as `check_invariants`).
    pub fn check_all(&self) -> Result<()> {
        self.check_invariants()
    }
}
