//! `SuiteBuilder` deploys Isthmus on the two-chain bench; `Suite` wraps the actions a test
//! takes so that a test reads as a scenario.

use anyhow::Result;
use cosmwasm_std::{coin, to_json_binary, Addr, Coin, Empty, IbcOrder, Uint128};
use cw_multi_test::{AppResponse, BankSudo, Executor, SudoMsg};
use isthmus_ibc_bench::{ChainSpec, Side, TwoChains};
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::packet::SeizeRecipient;
use isthmus_protocol::vault::{self, AssetSettings, Counterparty};
use isthmus_protocol::{engine, APP_VERSION};

use crate::contracts;
use crate::seize_injector;

pub const ATOM: &str = "uatom";
/// The quote denom on the target chain.
pub const USDC: &str = "uusdc";
pub const INITIAL_USDC: u128 = 1_000_000_000_000;

/// Risk parameters of the suite: 1% spread, 5% rate, a ±15% grid with ±30% tails, vol
/// shocks of 10 points at 30 days, 1.3x initial margin, 10% + latency haircut.
pub fn default_risk() -> engine::RiskParams {
    use cosmwasm_std::{Decimal, SignedDecimal};
    let pct = |n: i128| SignedDecimal::percent(n as i64);
    engine::RiskParams {
        spread: Decimal::percent(1),
        rate: Decimal::percent(5),
        max_leg_quantity: 1_000,
        initial_margin_factor: Decimal::percent(130),
        spot_moves: [-30, -15, -10, -5, 0, 5, 10, 15, 30].into_iter().map(pct).collect(),
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
        // Most scenarios move liquidity at once; the notice has its own tests (lp_timing.rs).
        lp_notice_seconds: 0,
        tail_moves: vec![pct(-50), pct(50)],
        tail_weight: Decimal::from_ratio(1u128, 3u128),
    }
}
pub const SOURCE_ID: &str = "cosmoshub";
pub const USERS: [&str; 3] = ["alice", "bob", "carol"];
pub const INITIAL_NATIVE: u128 = 1_000_000_000;
pub const INITIAL_CW20: u128 = 1_000_000_000;

pub struct SuiteBuilder {
    pub atom_cap: u128,
    pub cw20_cap: u128,
    pub packet_timeout_seconds: u64,
    pub heartbeat_interval_seconds: u64,
    pub max_staleness_seconds: u64,
    pub open_channels: bool,
    /// Seizes go through the real liquidation controller instead of the test injector.
    pub real_controller: bool,
    /// Decimals of the quote denom on the target chain.
    pub quote_decimals: u8,
}

impl Default for SuiteBuilder {
    fn default() -> Self {
        SuiteBuilder {
            atom_cap: 10_000_000_000,
            cw20_cap: 10_000_000_000,
            packet_timeout_seconds: 600,
            heartbeat_interval_seconds: 60,
            max_staleness_seconds: 3600,
            open_channels: true,
            real_controller: false,
            quote_decimals: 6,
        }
    }
}

pub struct Suite {
    pub chains: TwoChains,
    pub vault: Addr,
    pub cw20: Addr,
    pub engine: Addr,
    pub controller: Addr,
    pub injector: Addr,
    pub source_admin: Addr,
    pub target_admin: Addr,
    /// Collateral channel: (vault side, engine side).
    pub collateral_channel: (String, String),
    /// Seize channel: (vault side, injector side).
    pub seize_channel: (String, String),
    next_seize_id: u64,
    /// Source-chain owners beyond `USERS` that hold vault positions (names), so that the
    /// invariant checks sum every position.
    pub extra_owners: Vec<String>,
}

impl SuiteBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_atom_cap(mut self, cap: u128) -> Self {
        self.atom_cap = cap;
        self
    }

    pub fn with_packet_timeout(mut self, seconds: u64) -> Self {
        self.packet_timeout_seconds = seconds;
        self
    }

    /// Wire the real liquidation controller as the engine's controller and the vault's
    /// seize counterparty.
    pub fn with_controller(mut self) -> Self {
        self.real_controller = true;
        self
    }

    /// Instantiate the engine with a quote of `decimals` decimals (amounts stay in base units).
    pub fn with_quote_decimals(mut self, decimals: u8) -> Self {
        self.quote_decimals = decimals;
        self
    }

    pub fn without_channels(mut self) -> Self {
        self.open_channels = false;
        self
    }

    pub fn build(self) -> Result<Suite> {
        let mut chains =
            TwoChains::new(ChainSpec::new("isthmus-source-1", "src", 6), ChainSpec::new("isthmus-target-1", "tgt", 2))?;
        let source_admin = chains.addr(Side::Source, "source-admin");
        let target_admin = chains.addr(Side::Target, "target-admin");

        // Target chain: engine, controller and the seize injector playing the controller.
        let engine_code = chains.target.store_code(contracts::options_engine());
        let controller_code = chains.target.store_code(contracts::liquidation_controller());
        let injector_code = chains.target.store_code(contracts::seize_injector());
        let engine = chains.target.instantiate_contract(
            engine_code,
            target_admin.clone(),
            &engine::InstantiateMsg {
                owner: None,
                risk_manager: None,
                guardian: None,
                controller: None,
                max_staleness_seconds: self.max_staleness_seconds,
                quote_denom: USDC.to_string(),
                quote_decimals: self.quote_decimals,
                risk: default_risk(),
            },
            &[],
            "engine",
            None,
        )?;
        let controller = chains.target.instantiate_contract(
            controller_code,
            target_admin.clone(),
            &isthmus_protocol::controller::InstantiateMsg {
                owner: None,
                engine: engine.to_string(),
                quote_denom: USDC.to_string(),
                seize_timeout_seconds: 600,
                max_in_flight_per_account: 2,
                max_in_flight_per_source: 8,
            },
            &[],
            "controller",
            None,
        )?;
        let injector = chains.target.instantiate_contract(
            injector_code,
            target_admin.clone(),
            &seize_injector::InstantiateMsg { engine: engine.to_string() },
            &[],
            "injector",
            None,
        )?;
        chains.target.execute_contract(
            target_admin.clone(),
            engine.clone(),
            &engine::ExecuteMsg::UpdateConfig {
                owner: None,
                risk_manager: None,
                guardian: None,
                controller: Some(if self.real_controller { controller.to_string() } else { injector.to_string() }),
                max_staleness_seconds: None,
            },
            &[],
        )?;

        for name in USERS.iter().chain(["lp", "keeper"].iter()) {
            let who = chains.addr(Side::Target, name);
            chains.target.sudo(SudoMsg::Bank(BankSudo::Mint {
                to_address: who.to_string(),
                amount: vec![coin(INITIAL_USDC, USDC), coin(INITIAL_USDC, "uosmo")],
            }))?;
        }

        // Source chain: users' funds, a cw20 collateral token and the vault.
        let cw20_code = chains.source.store_code(contracts::cw20_token());
        let vault_code = chains.source.store_code(contracts::collateral_vault());
        let users: Vec<Addr> = USERS.iter().map(|u| chains.addr(Side::Source, u)).collect();
        for user in &users {
            chains.source.sudo(SudoMsg::Bank(BankSudo::Mint {
                to_address: user.to_string(),
                amount: vec![coin(INITIAL_NATIVE, ATOM), coin(INITIAL_NATIVE, "uother")],
            }))?;
        }
        let cw20 = chains.source.instantiate_contract(
            cw20_code,
            source_admin.clone(),
            &cw20_base::msg::InstantiateMsg {
                name: "Staked Token".to_string(),
                symbol: "STK".to_string(),
                decimals: 6,
                initial_balances: users
                    .iter()
                    .map(|u| cw20::Cw20Coin { address: u.to_string(), amount: Uint128::new(INITIAL_CW20) })
                    .collect(),
                mint: None,
                marketing: None,
            },
            &[],
            "stk",
            None,
        )?;
        let (source_conn, target_conn) = chains.connection.clone();
        let vault = chains.source.instantiate_contract(
            vault_code,
            source_admin.clone(),
            &vault::InstantiateMsg {
                admin: None,
                guardian: None,
                engine: Counterparty { connection_id: source_conn.clone(), port_id: format!("wasm.{engine}") },
                controller: Counterparty {
                    connection_id: source_conn,
                    port_id: if self.real_controller {
                        format!("wasm.{controller}")
                    } else {
                        format!("wasm.{injector}")
                    },
                },
                packet_timeout_seconds: self.packet_timeout_seconds,
                heartbeat_interval_seconds: self.heartbeat_interval_seconds,
                assets: vec![
                    AssetSettings {
                        asset: AssetInfo::native(ATOM),
                        deposit_cap: Uint128::new(self.atom_cap),
                        enabled: true,
                    },
                    AssetSettings {
                        asset: AssetInfo::cw20(cw20.as_str()),
                        deposit_cap: Uint128::new(self.cw20_cap),
                        enabled: true,
                    },
                ],
            },
            &[],
            "vault",
            Some(source_admin.to_string()),
        )?;
        chains.target.execute_contract(
            target_admin.clone(),
            engine.clone(),
            &engine::ExecuteMsg::RegisterSource {
                source_id: SOURCE_ID.to_string(),
                connection_id: target_conn.clone(),
                counterparty_port: format!("wasm.{vault}"),
            },
            &[],
        )?;
        chains.target.execute_contract(
            target_admin.clone(),
            controller.clone(),
            &isthmus_protocol::controller::ExecuteMsg::RegisterSource {
                source_id: SOURCE_ID.to_string(),
                connection_id: target_conn,
                counterparty_port: format!("wasm.{vault}"),
            },
            &[],
        )?;
        let seizer = if self.real_controller { controller.clone() } else { injector.clone() };

        let mut suite = Suite {
            chains,
            vault,
            cw20,
            engine,
            controller,
            injector,
            source_admin,
            target_admin,
            collateral_channel: (String::new(), String::new()),
            seize_channel: (String::new(), String::new()),
            next_seize_id: 1,
            extra_owners: vec![],
        };
        if self.open_channels {
            suite.collateral_channel = suite.open_collateral_channel()?;
            // The vault initiates every Isthmus channel, the seize channel included.
            suite.seize_channel = suite.chains.open_channel(
                Side::Source,
                &format!("wasm.{}", suite.vault),
                &format!("wasm.{seizer}"),
                APP_VERSION,
                IbcOrder::Unordered,
            )?;
        }
        Ok(suite)
    }
}

impl Suite {
    pub fn vault_port(&self) -> String {
        format!("wasm.{}", self.vault)
    }

    pub fn engine_port(&self) -> String {
        format!("wasm.{}", self.engine)
    }

    /// Open the collateral channel from the vault's side; returns (vault, engine) channel ids.
    pub fn open_collateral_channel(&mut self) -> Result<(String, String)> {
        let (vault_port, engine_port) = (self.vault_port(), self.engine_port());
        self.chains.open_channel(Side::Source, &vault_port, &engine_port, APP_VERSION, IbcOrder::Unordered)
    }

    /// A user on the source chain.
    pub fn user(&self, name: &str) -> Addr {
        self.chains.addr(Side::Source, name)
    }

    /// The account on the target chain that `name`'s collateral backs.
    pub fn account(&self, name: &str) -> String {
        self.chains.addr(Side::Target, name).to_string()
    }

    pub fn atom() -> AssetInfo {
        AssetInfo::native(ATOM)
    }

    pub fn stk(&self) -> AssetInfo {
        AssetInfo::cw20(self.cw20.as_str())
    }

    /// `name` deposits native atom for itself, binding its account of the same name.
    pub fn deposit_atom(&mut self, name: &str, amount: u128) -> Result<AppResponse> {
        let (user, account) = (self.user(name), self.account(name));
        self.deposit_native(&user, &account, None, coin(amount, ATOM))
    }

    pub fn deposit_native(
        &mut self,
        sender: &Addr,
        account: &str,
        owner: Option<&Addr>,
        funds: Coin,
    ) -> Result<AppResponse> {
        let vault = self.vault.clone();
        self.chains.execute(
            Side::Source,
            sender,
            &vault,
            &vault::ExecuteMsg::Deposit { account: account.to_string(), owner: owner.map(|o| o.to_string()) },
            &[funds],
        )
    }

    /// `name` deposits the cw20 token through `Send` with the deposit hook.
    pub fn deposit_cw20(&mut self, name: &str, amount: u128) -> Result<AppResponse> {
        let (user, account, token) = (self.user(name), self.account(name), self.cw20.clone());
        self.send_cw20(&token, &user, &account, amount)
    }

    pub fn send_cw20(&mut self, token: &Addr, sender: &Addr, account: &str, amount: u128) -> Result<AppResponse> {
        let vault = self.vault.clone();
        self.chains.execute(
            Side::Source,
            sender,
            token,
            &cw20::Cw20ExecuteMsg::Send {
                contract: vault.to_string(),
                amount: Uint128::new(amount),
                msg: to_json_binary(&vault::Cw20HookMsg::Deposit { account: account.to_string(), owner: None })?,
            },
            &[],
        )
    }

    pub fn withdraw(&mut self, name: &str, asset: AssetInfo, amount: u128) -> Result<AppResponse> {
        let (user, vault) = (self.user(name), self.vault.clone());
        self.chains.execute(
            Side::Source,
            &user,
            &vault,
            &vault::ExecuteMsg::Withdraw { asset, amount: Uint128::new(amount) },
            &[],
        )
    }

    pub fn vault_execute(&mut self, sender: &Addr, msg: &vault::ExecuteMsg) -> Result<AppResponse> {
        let vault = self.vault.clone();
        self.chains.execute(Side::Source, sender, &vault, msg, &[])
    }

    pub fn engine_execute(&mut self, sender: &Addr, msg: &engine::ExecuteMsg) -> Result<AppResponse> {
        let engine = self.engine.clone();
        self.chains.execute(Side::Target, sender, &engine, msg, &[])
    }

    /// Inject a seize of `name`'s collateral through the stand-in controller. Returns the
    /// seize id.
    pub fn seize(&mut self, name: &str, asset: AssetInfo, amount: u128, recipient: SeizeRecipient) -> Result<u64> {
        let seize_id = self.next_seize_id;
        self.next_seize_id += 1;
        let msg = seize_injector::ExecuteMsg::Seize {
            channel: self.seize_channel.1.clone(),
            seize_id,
            account: self.account(name),
            source_id: SOURCE_ID.to_string(),
            owner: self.user(name).to_string(),
            asset,
            amount: Uint128::new(amount),
            recipient,
            timeout_seconds: 600,
        };
        let (keeper, injector) = (self.target_admin.clone(), self.injector.clone());
        self.chains.execute(Side::Target, &keeper, &injector, &msg, &[])?;
        Ok(seize_id)
    }

    /// A recipient address on the source chain.
    pub fn local_recipient(&self, name: &str) -> SeizeRecipient {
        SeizeRecipient::Local { address: self.user(name).to_string() }
    }

    pub fn seize_outcome(&self, seize_id: u64) -> Result<Option<String>> {
        Ok(self
            .chains
            .target
            .wrap()
            .query_wasm_smart(&self.injector, &seize_injector::QueryMsg::Outcome { seize_id })?)
    }

    // ---- queries ----

    pub fn vault_position(&self, name: &str, asset: &AssetInfo) -> Result<vault::PositionResponse> {
        Ok(self.chains.source.wrap().query_wasm_smart(
            &self.vault,
            &vault::QueryMsg::Position { owner: self.user(name).to_string(), asset: asset.clone() },
        )?)
    }

    pub fn engine_position(&self, name: &str, asset: &AssetInfo) -> Result<engine::RemotePositionResponse> {
        self.engine_position_of(self.user(name).as_str(), asset)
    }

    pub fn engine_position_of(&self, owner: &str, asset: &AssetInfo) -> Result<engine::RemotePositionResponse> {
        Ok(self.chains.target.wrap().query_wasm_smart(
            &self.engine,
            &engine::QueryMsg::RemotePosition {
                source_id: SOURCE_ID.to_string(),
                owner: owner.to_string(),
                asset: asset.clone(),
            },
        )?)
    }

    pub fn native_balance(&self, side: Side, who: &Addr, denom: &str) -> Result<u128> {
        Ok(self.chains.chain(side).wrap().query_balance(who, denom)?.amount.u128())
    }

    pub fn cw20_balance(&self, who: &Addr) -> Result<u128> {
        let r: cw20::BalanceResponse = self
            .chains
            .source
            .wrap()
            .query_wasm_smart(&self.cw20, &cw20::Cw20QueryMsg::Balance { address: who.to_string() })?;
        Ok(r.balance.u128())
    }

    pub fn pending_withdrawals(&self) -> Result<Vec<vault::PendingWithdrawalResponse>> {
        let r: vault::PendingWithdrawalsResponse = self.chains.source.wrap().query_wasm_smart(
            &self.vault,
            &vault::QueryMsg::PendingWithdrawals { owner: None, start_after: None, limit: Some(30) },
        )?;
        Ok(r.withdrawals)
    }

    pub fn reservations(&self) -> Result<Vec<engine::ReservationResponse>> {
        let r: engine::ReservationsResponse = self
            .chains
            .target
            .wrap()
            .query_wasm_smart(&self.engine, &engine::QueryMsg::Reservations { start_after: None, limit: Some(30) })?;
        Ok(r.reservations)
    }

    pub fn relay_all(&mut self) -> Result<usize> {
        self.chains.relay_all()
    }

    /// Empty query helper for raw JSON assertions.
    pub fn empty() -> Empty {
        Empty {}
    }
}
