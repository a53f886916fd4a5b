//! `SuiteBuilder` deploys Isthmus on the N-chain bench (one vault per source chain, the
//! engine and controller on the target chain); `Suite` wraps the actions a test takes so
//! that a test reads as a scenario.

use anyhow::Result;
use cosmwasm_std::{coin, to_json_binary, Addr, Coin, Empty, IbcOrder, Uint128};
use cw_multi_test::{AppResponse, BankSudo, Executor, SudoMsg};
use isthmus_ibc_bench::{ChainSpec, Chains, Side};
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
/// shocks of 10 points at 30 days, 1.3x initial margin, 15% + latency haircut (the base
/// that keeps an instantaneous 30% crash free of bad debt: docs/risk.md).
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
        haircut_base: Decimal::percent(15),
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
        pool_risk_max_age_seconds: 1800,
        pool_risk_max_spot_move: Decimal::percent(2),
        pool_risk_max_vol_move: Decimal::percent(5),
    }
}
/// The first source's id: the only source of a single-source suite.
pub const SOURCE_ID: &str = "cosmoshub";

/// What tells the suite's source chains apart.
#[derive(Debug, Clone, Copy)]
pub struct SourceProfile {
    /// The id the engine and the controller know the source's vault by.
    pub source_id: &'static str,
    pub chain_id: &'static str,
    pub bech32_prefix: &'static str,
    pub block_time_seconds: u64,
    /// The chain's native collateral denom and the oracle symbol that prices it.
    pub denom: &'static str,
    pub symbol: &'static str,
}

/// Source chains a suite can have, in order (`with_sources(n)` takes the first `n`).
pub const SOURCE_PROFILES: [SourceProfile; 4] = [
    SourceProfile {
        source_id: SOURCE_ID,
        chain_id: "isthmus-source-1",
        bech32_prefix: "src",
        block_time_seconds: 6,
        denom: ATOM,
        symbol: "ATOM",
    },
    SourceProfile {
        source_id: "osmosis",
        chain_id: "isthmus-source-2",
        bech32_prefix: "osmo",
        block_time_seconds: 5,
        denom: "uosmo",
        symbol: "OSMO",
    },
    SourceProfile {
        source_id: "juno",
        chain_id: "isthmus-source-3",
        bech32_prefix: "juno",
        block_time_seconds: 6,
        denom: "ujuno",
        symbol: "JUNO",
    },
    SourceProfile {
        source_id: "stargaze",
        chain_id: "isthmus-source-4",
        bech32_prefix: "stars",
        block_time_seconds: 7,
        denom: "ustars",
        symbol: "STARS",
    },
];

/// One source chain as deployed: its vault, its cw20 collateral token, its channels.
#[derive(Debug, Clone)]
pub struct SourceDeployment {
    pub side: Side,
    pub profile: SourceProfile,
    pub admin: Addr,
    pub vault: Addr,
    /// The chain's cw20 collateral token ("STK"; every source has its own contract).
    pub cw20: Addr,
    /// Collateral channel: (vault side, engine side).
    pub collateral_channel: (String, String),
    /// Seize channel: (vault side, controller or injector side).
    pub seize_channel: (String, String),
    /// ICS-20 transfer channel to the target: (source side, target side). A seize delivered
    /// by ICS-20 to the target goes over it.
    pub transfer_channel: (String, String),
}

impl SourceDeployment {
    pub fn source_id(&self) -> &'static str {
        self.profile.source_id
    }

    pub fn native(&self) -> AssetInfo {
        AssetInfo::native(self.profile.denom)
    }

    pub fn stk(&self) -> AssetInfo {
        AssetInfo::cw20(self.cw20.as_str())
    }

    /// The assets the vault lists: the native denom and the cw20 token.
    pub fn assets(&self) -> Vec<AssetInfo> {
        vec![self.native(), self.stk()]
    }
}

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
    /// How many source chains (the first entries of [`SOURCE_PROFILES`]).
    pub sources: usize,
    /// The engine's risk parameters ([`default_risk`] unless set).
    pub risk: engine::RiskParams,
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
            sources: 1,
            risk: default_risk(),
        }
    }
}

pub struct Suite {
    pub chains: Chains,
    /// Every source chain, in bench order (`sources[i].side == Side::Source(i)`).
    pub sources: Vec<SourceDeployment>,
    /// The first source's vault, cw20 token and admin: a single-source scenario's only ones.
    pub vault: Addr,
    pub cw20: Addr,
    pub source_admin: Addr,
    pub engine: Addr,
    /// The lens over the engine: every view query goes there (docs/architecture.md).
    pub lens: Addr,
    pub controller: Addr,
    pub injector: Addr,
    pub target_admin: Addr,
    next_seize_id: u64,
    /// Source-chain owners beyond `USERS` that hold vault positions (names), so that the
    /// invariant checks sum every position.
    pub extra_owners: Vec<String>,
    /// Tokens sent straight to a contract with [`Suite::donate`] (no claim on them): the
    /// surplus the conservation checks expect, by (chain, holder, denom or cw20 address).
    pub donations: std::collections::BTreeMap<(Side, String, String), u128>,
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

    /// Instantiate the engine with these risk parameters instead of [`default_risk`].
    pub fn with_risk(mut self, risk: engine::RiskParams) -> Self {
        self.risk = risk;
        self
    }

    /// Deploy `n` source chains (1 to 4), each with its own vault, tokens, clock, channels
    /// and relayer link (the first `n` of [`SOURCE_PROFILES`]).
    pub fn with_sources(mut self, n: usize) -> Self {
        self.sources = n;
        self
    }

    pub fn without_channels(mut self) -> Self {
        self.open_channels = false;
        self
    }

    pub fn build(self) -> Result<Suite> {
        anyhow::ensure!((1..=SOURCE_PROFILES.len()).contains(&self.sources), "1 to 4 sources");
        let profiles = &SOURCE_PROFILES[..self.sources];
        let specs =
            profiles.iter().map(|p| ChainSpec::new(p.chain_id, p.bech32_prefix, p.block_time_seconds)).collect();
        let mut chains = Chains::new(specs, ChainSpec::new("isthmus-target-1", "tgt", 2))?;
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
                risk: self.risk.clone(),
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
        let lens_code = chains.target.store_code(contracts::options_lens());
        let lens = chains.target.instantiate_contract(
            lens_code,
            target_admin.clone(),
            &isthmus_protocol::lens::InstantiateMsg { engine: engine.to_string() },
            &[],
            "lens",
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
        let seizer = if self.real_controller { controller.clone() } else { injector.clone() };
        let mut sources = vec![];
        for (index, profile) in profiles.iter().enumerate() {
            sources.push(self.deploy_source(&mut chains, Side::Source(index), *profile, &engine, &seizer)?);
        }
        for deployment in &sources {
            let source_id = deployment.source_id().to_string();
            let connection_id = chains.connection_between(Side::Target, deployment.side)?.0;
            let counterparty_port = format!("wasm.{}", deployment.vault);
            chains.target.execute_contract(
                target_admin.clone(),
                engine.clone(),
                &engine::ExecuteMsg::RegisterSource {
                    source_id: source_id.clone(),
                    connection_id: connection_id.clone(),
                    counterparty_port: counterparty_port.clone(),
                },
                &[],
            )?;
            chains.target.execute_contract(
                target_admin.clone(),
                controller.clone(),
                &isthmus_protocol::controller::ExecuteMsg::RegisterSource {
                    source_id,
                    connection_id,
                    counterparty_port,
                },
                &[],
            )?;
        }

        let first = sources[0].clone();
        let mut suite = Suite {
            chains,
            sources,
            vault: first.vault,
            cw20: first.cw20,
            source_admin: first.admin,
            engine,
            lens,
            controller,
            injector,
            target_admin,
            next_seize_id: 1,
            extra_owners: vec![],
            donations: Default::default(),
        };
        if self.open_channels {
            for index in 0..suite.sources.len() {
                suite.sources[index].collateral_channel = suite.open_collateral_channel_on(index)?;
                // The vault initiates every Isthmus channel, the seize channel included.
                let side = suite.sources[index].side;
                let vault_port = format!("wasm.{}", suite.sources[index].vault);
                suite.sources[index].seize_channel = suite.chains.open_channel(
                    side,
                    Side::Target,
                    &vault_port,
                    &format!("wasm.{seizer}"),
                    APP_VERSION,
                    IbcOrder::Unordered,
                )?;
                suite.sources[index].transfer_channel = suite.chains.open_transfer_channel(side, Side::Target)?;
            }
        }
        Ok(suite)
    }

    /// Source chain `side`: users' funds, a cw20 collateral token and the vault, whose
    /// counterparties are the engine and `seizer` (the controller or the injector).
    fn deploy_source(
        &self,
        chains: &mut Chains,
        side: Side,
        profile: SourceProfile,
        engine: &Addr,
        seizer: &Addr,
    ) -> Result<SourceDeployment> {
        let admin = chains.addr(side, "source-admin");
        let chain = chains.chain_mut(side);
        let cw20_code = chain.store_code(contracts::cw20_token());
        let vault_code = chain.store_code(contracts::collateral_vault());
        let users: Vec<Addr> = USERS.iter().map(|u| chain.api().addr_make(u)).collect();
        for user in &users {
            chain.sudo(SudoMsg::Bank(BankSudo::Mint {
                to_address: user.to_string(),
                amount: vec![coin(INITIAL_NATIVE, profile.denom), coin(INITIAL_NATIVE, "uother")],
            }))?;
        }
        let cw20 = chain.instantiate_contract(
            cw20_code,
            admin.clone(),
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
        let (source_conn, _) = chains.connection_between(side, Side::Target)?;
        let chain = chains.chain_mut(side);
        let vault = chain.instantiate_contract(
            vault_code,
            admin.clone(),
            &vault::InstantiateMsg {
                admin: None,
                guardian: None,
                engine: Counterparty { connection_id: source_conn.clone(), port_id: format!("wasm.{engine}") },
                controller: Counterparty { connection_id: source_conn, port_id: format!("wasm.{seizer}") },
                packet_timeout_seconds: self.packet_timeout_seconds,
                heartbeat_interval_seconds: self.heartbeat_interval_seconds,
                assets: vec![
                    AssetSettings {
                        asset: AssetInfo::native(profile.denom),
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
            Some(admin.to_string()),
        )?;
        Ok(SourceDeployment {
            side,
            profile,
            admin,
            vault,
            cw20,
            collateral_channel: (String::new(), String::new()),
            seize_channel: (String::new(), String::new()),
            transfer_channel: (String::new(), String::new()),
        })
    }
}

impl Suite {
    /// Source `index`'s deployment (panics on an index the suite was not built with).
    pub fn source(&self, index: usize) -> &SourceDeployment {
        &self.sources[index]
    }

    pub fn vault_port(&self) -> String {
        self.vault_port_on(0)
    }

    pub fn vault_port_on(&self, source: usize) -> String {
        format!("wasm.{}", self.sources[source].vault)
    }

    pub fn engine_port(&self) -> String {
        format!("wasm.{}", self.engine)
    }

    /// The first source's collateral channel: (vault side, engine side).
    pub fn collateral_channel(&self) -> &(String, String) {
        &self.sources[0].collateral_channel
    }

    /// The first source's seize channel: (vault side, controller or injector side).
    pub fn seize_channel(&self) -> &(String, String) {
        &self.sources[0].seize_channel
    }

    /// The first source's ICS-20 transfer channel: (source side, target side).
    pub fn transfer_channel(&self) -> &(String, String) {
        &self.sources[0].transfer_channel
    }

    /// A seize recipient on the target, reached by ICS-20 over the first source's transfer
    /// channel.
    pub fn ics20_recipient(&self, receiver: &str, memo: &str) -> SeizeRecipient {
        SeizeRecipient::Ics20 {
            channel: self.transfer_channel().0.clone(),
            receiver: receiver.to_string(),
            memo: memo.to_string(),
        }
    }

    /// Open the first source's collateral channel from the vault's side; returns (vault,
    /// engine) channel ids.
    pub fn open_collateral_channel(&mut self) -> Result<(String, String)> {
        self.open_collateral_channel_on(0)
    }

    pub fn open_collateral_channel_on(&mut self, source: usize) -> Result<(String, String)> {
        let (vault_port, engine_port) = (self.vault_port_on(source), self.engine_port());
        let side = self.sources[source].side;
        self.chains.open_channel(side, Side::Target, &vault_port, &engine_port, APP_VERSION, IbcOrder::Unordered)
    }

    /// A user on the first source chain.
    pub fn user(&self, name: &str) -> Addr {
        self.user_on(0, name)
    }

    /// A user on source chain `source`.
    pub fn user_on(&self, source: usize, name: &str) -> Addr {
        self.chains.addr(Side::Source(source), name)
    }

    /// The account on the target chain that `name`'s collateral backs.
    pub fn account(&self, name: &str) -> String {
        self.chains.addr(Side::Target, name).to_string()
    }

    pub fn atom() -> AssetInfo {
        AssetInfo::native(ATOM)
    }

    /// The first source's cw20 token.
    pub fn stk(&self) -> AssetInfo {
        AssetInfo::cw20(self.cw20.as_str())
    }

    /// `name` deposits native atom on the first source for itself, binding its account of
    /// the same name.
    pub fn deposit_atom(&mut self, name: &str, amount: u128) -> Result<AppResponse> {
        self.deposit_native_on(0, name, amount)
    }

    /// `name` deposits source `source`'s native denom for itself.
    pub fn deposit_native_on(&mut self, source: usize, name: &str, amount: u128) -> Result<AppResponse> {
        let (user, account) = (self.user_on(source, name), self.account(name));
        let denom = self.sources[source].profile.denom;
        self.deposit_native_to(source, &user, &account, None, coin(amount, denom))
    }

    /// A native deposit on the first source.
    pub fn deposit_native(
        &mut self,
        sender: &Addr,
        account: &str,
        owner: Option<&Addr>,
        funds: Coin,
    ) -> Result<AppResponse> {
        self.deposit_native_to(0, sender, account, owner, funds)
    }

    pub fn deposit_native_to(
        &mut self,
        source: usize,
        sender: &Addr,
        account: &str,
        owner: Option<&Addr>,
        funds: Coin,
    ) -> Result<AppResponse> {
        let (side, vault) = (self.sources[source].side, self.sources[source].vault.clone());
        self.chains.execute(
            side,
            sender,
            &vault,
            &vault::ExecuteMsg::Deposit { account: account.to_string(), owner: owner.map(|o| o.to_string()) },
            &[funds],
        )
    }

    /// `name` deposits the first source's cw20 token through `Send` with the deposit hook.
    pub fn deposit_cw20(&mut self, name: &str, amount: u128) -> Result<AppResponse> {
        self.deposit_cw20_on(0, name, amount)
    }

    pub fn deposit_cw20_on(&mut self, source: usize, name: &str, amount: u128) -> Result<AppResponse> {
        let (user, account, token) =
            (self.user_on(source, name), self.account(name), self.sources[source].cw20.clone());
        self.send_cw20_on(source, &token, &user, &account, amount)
    }

    pub fn send_cw20(&mut self, token: &Addr, sender: &Addr, account: &str, amount: u128) -> Result<AppResponse> {
        self.send_cw20_on(0, token, sender, account, amount)
    }

    pub fn send_cw20_on(
        &mut self,
        source: usize,
        token: &Addr,
        sender: &Addr,
        account: &str,
        amount: u128,
    ) -> Result<AppResponse> {
        let (side, vault) = (self.sources[source].side, self.sources[source].vault.clone());
        self.chains.execute(
            side,
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
        self.withdraw_on(0, name, asset, amount)
    }

    pub fn withdraw_on(&mut self, source: usize, name: &str, asset: AssetInfo, amount: u128) -> Result<AppResponse> {
        let user = self.user_on(source, name);
        self.vault_execute_on(source, &user, &vault::ExecuteMsg::Withdraw { asset, amount: Uint128::new(amount) })
    }

    pub fn vault_execute(&mut self, sender: &Addr, msg: &vault::ExecuteMsg) -> Result<AppResponse> {
        self.vault_execute_on(0, sender, msg)
    }

    pub fn vault_execute_on(&mut self, source: usize, sender: &Addr, msg: &vault::ExecuteMsg) -> Result<AppResponse> {
        let (side, vault) = (self.sources[source].side, self.sources[source].vault.clone());
        self.chains.execute(side, sender, &vault, msg, &[])
    }

    /// A view of the engine's state (`lens::QueryMsg`), computed by the engine's view code over
    /// the engine's storage: what the lens answers, without its query per storage read (the
    /// randomized schedules ask after every step). The lens itself is tested in
    /// `integration/lens.rs` and on real chains.
    pub fn view<T: serde::de::DeserializeOwned>(&self, msg: &isthmus_protocol::lens::QueryMsg) -> Result<T> {
        let target = &self.chains.target;
        let storage = target.contract_storage(&self.engine);
        let env = cosmwasm_std::Env {
            block: target.block_info(),
            transaction: None,
            contract: cosmwasm_std::ContractInfo { address: self.engine.clone() },
        };
        let deps = cosmwasm_std::Deps { storage: &*storage, api: target.api(), querier: target.wrap() };
        let answer = options_engine::query::views(deps, env, msg.clone())?;
        Ok(cosmwasm_std::from_json(answer)?)
    }

    pub fn engine_execute(&mut self, sender: &Addr, msg: &engine::ExecuteMsg) -> Result<AppResponse> {
        let engine = self.engine.clone();
        self.chains.execute(Side::Target, sender, &engine, msg, &[])
    }

    /// Send tokens straight to `holder` on `side` as a plain transfer (nobody's claim): the
    /// conservation checks count them as the surplus they are.
    pub fn donate(&mut self, side: Side, holder: &Addr, amount: Coin) -> Result<()> {
        let donor = self.chains.addr(side, "donor");
        self.chains
            .chain_mut(side)
            .sudo(SudoMsg::Bank(BankSudo::Mint { to_address: donor.to_string(), amount: vec![amount.clone()] }))?;
        self.chains.chain_mut(side).send_tokens(donor, holder.clone(), std::slice::from_ref(&amount))?;
        *self.donations.entry((side, holder.to_string(), amount.denom)).or_default() += amount.amount.u128();
        Ok(())
    }

    /// Send cw20 `token` straight to `holder` with a plain `Transfer` (no hook, no claim).
    pub fn donate_cw20(&mut self, source: usize, token: &Addr, holder: &Addr, amount: u128) -> Result<()> {
        let donor = self.user_on(source, "carol");
        self.chains.execute(
            Side::Source(source),
            &donor,
            token,
            &cw20::Cw20ExecuteMsg::Transfer { recipient: holder.to_string(), amount: Uint128::new(amount) },
            &[],
        )?;
        *self.donations.entry((Side::Source(source), holder.to_string(), token.to_string())).or_default() += amount;
        Ok(())
    }

    /// What [`Suite::donate`] sent to `holder` on `side` in `denom` (a cw20 address for a token).
    pub fn donated(&self, side: Side, holder: &Addr, denom: &str) -> u128 {
        self.donations.get(&(side, holder.to_string(), denom.to_string())).copied().unwrap_or(0)
    }

    /// Inject a seize of `name`'s first-source collateral through the stand-in controller.
    /// Returns the seize id.
    pub fn seize(&mut self, name: &str, asset: AssetInfo, amount: u128, recipient: SeizeRecipient) -> Result<u64> {
        self.seize_on(0, name, asset, amount, recipient)
    }

    pub fn seize_on(
        &mut self,
        source: usize,
        name: &str,
        asset: AssetInfo,
        amount: u128,
        recipient: SeizeRecipient,
    ) -> Result<u64> {
        let seize_id = self.next_seize_id;
        self.next_seize_id += 1;
        let msg = seize_injector::ExecuteMsg::Seize {
            channel: self.sources[source].seize_channel.1.clone(),
            seize_id,
            account: self.account(name),
            source_id: self.sources[source].source_id().to_string(),
            owner: self.user_on(source, name).to_string(),
            asset,
            amount: Uint128::new(amount),
            recipient,
            timeout_seconds: 600,
        };
        let (keeper, injector) = (self.target_admin.clone(), self.injector.clone());
        self.chains.execute(Side::Target, &keeper, &injector, &msg, &[])?;
        Ok(seize_id)
    }

    /// A recipient address on the first source chain.
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
        self.vault_position_on(0, name, asset)
    }

    pub fn vault_position_on(&self, source: usize, name: &str, asset: &AssetInfo) -> Result<vault::PositionResponse> {
        Ok(self.chains.chain(Side::Source(source)).wrap().query_wasm_smart(
            &self.sources[source].vault,
            &vault::QueryMsg::Position { owner: self.user_on(source, name).to_string(), asset: asset.clone() },
        )?)
    }

    pub fn engine_position(&self, name: &str, asset: &AssetInfo) -> Result<engine::RemotePositionResponse> {
        self.engine_position_on(0, name, asset)
    }

    pub fn engine_position_on(
        &self,
        source: usize,
        name: &str,
        asset: &AssetInfo,
    ) -> Result<engine::RemotePositionResponse> {
        self.engine_position_at(source, self.user_on(source, name).as_str(), asset)
    }

    pub fn engine_position_of(&self, owner: &str, asset: &AssetInfo) -> Result<engine::RemotePositionResponse> {
        self.engine_position_at(0, owner, asset)
    }

    fn engine_position_at(
        &self,
        source: usize,
        owner: &str,
        asset: &AssetInfo,
    ) -> Result<engine::RemotePositionResponse> {
        self.view(&isthmus_protocol::lens::QueryMsg::RemotePosition {
            source_id: self.sources[source].source_id().to_string(),
            owner: owner.to_string(),
            asset: asset.clone(),
        })
    }

    pub fn native_balance(&self, side: Side, who: &Addr, denom: &str) -> Result<u128> {
        Ok(self.chains.chain(side).wrap().query_balance(who, denom)?.amount.u128())
    }

    /// `who`'s balance of the first source's cw20 token.
    pub fn cw20_balance(&self, who: &Addr) -> Result<u128> {
        self.token_balance(Side::FIRST_SOURCE, &self.cw20, who)
    }

    /// `who`'s balance of cw20 `token` on `side`.
    pub fn token_balance(&self, side: Side, token: &Addr, who: &Addr) -> Result<u128> {
        let r: cw20::BalanceResponse = self
            .chains
            .chain(side)
            .wrap()
            .query_wasm_smart(token, &cw20::Cw20QueryMsg::Balance { address: who.to_string() })?;
        Ok(r.balance.u128())
    }

    /// Pending withdrawals at the first source's vault.
    pub fn pending_withdrawals(&self) -> Result<Vec<vault::PendingWithdrawalResponse>> {
        self.pending_withdrawals_on(0)
    }

    /// The status of withdrawal `request_id` at the first source's vault.
    pub fn withdrawal(&self, request_id: u64) -> Result<vault::WithdrawalResponse> {
        Ok(self
            .chains
            .chain(Side::Source(0))
            .wrap()
            .query_wasm_smart(&self.sources[0].vault, &vault::QueryMsg::Withdrawal { request_id })?)
    }

    pub fn pending_withdrawals_on(&self, source: usize) -> Result<Vec<vault::PendingWithdrawalResponse>> {
        let r: vault::PendingWithdrawalsResponse = self.chains.chain(Side::Source(source)).wrap().query_wasm_smart(
            &self.sources[source].vault,
            &vault::QueryMsg::PendingWithdrawals { owner: None, start_after: None, limit: Some(30) },
        )?;
        Ok(r.withdrawals)
    }

    pub fn reservations(&self) -> Result<Vec<engine::ReservationResponse>> {
        let r: engine::ReservationsResponse =
            self.view(&isthmus_protocol::lens::QueryMsg::Reservations { start_after: None, limit: Some(30) })?;
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
