//! docs/protocol.md §4 invariants as checks a test calls after every step.
//!
//! * Invariant 1 (vault conservation): per source and asset, the vault's bank or cw20
//!   balance of that very asset equals its recorded total (plus any tokens merely sent to
//!   it, a surplus), which equals the sum of available + pending over all positions.
//! * Invariant 2 (no over-credit): per position, the engine's usable amount is at most what
//!   cannot leave the vault without the engine's consent: the vault's available plus the
//!   pending withdrawals the engine has not approved (request in flight, timed out, or
//!   refused with the refusal still on its way back). With no withdrawal in flight this is
//!   exactly usable <= available.
//! * Invariant 6 (replica totals): the engine's per-(source, asset) totals equal the sums over
//!   its replicated positions, and its count of seizes in flight the open reservations.
//! * Invariant 10 (the vault's indexes agree with its books): one index entry per position
//!   under its account and one per pending withdrawal under its owner, nothing else; each
//!   position's pending is the sum of its pending withdrawals; and the listings a wallet pages
//!   through are those entries.
//! * Invariant 4 (every packet is resolved, books balance): once the relayer holds nothing,
//!   no withdrawal is pending, no reservation is open, and the engine's replica of every
//!   position equals the vault's available at the same seq or later.

use anyhow::{ensure, Result};
use isthmus_ibc_bench::{PacketState, Side};
use isthmus_protocol::ack::{parse_ack, AckOutcome};
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::packet::{CollateralPacket, Received};
use isthmus_protocol::{engine, vault};

use crate::suite::{Suite, USERS};

impl Suite {
    /// Every source-chain owner name whose positions the checks sum.
    fn owner_names(&self) -> Vec<&str> {
        USERS.iter().copied().chain(self.extra_owners.iter().map(String::as_str)).collect()
    }

    /// What vault `source` holds of `asset`, read from the asset's own bank denom or cw20
    /// contract on that source's chain.
    fn vault_holdings(&self, source: usize, asset: &AssetInfo) -> Result<u128> {
        let (side, vault) = (Side::Source(source), &self.sources[source].vault);
        match asset {
            AssetInfo::Native(denom) => self.native_balance(side, vault, denom),
            AssetInfo::Cw20(token) => self.token_balance(side, &cosmwasm_std::Addr::unchecked(token), vault),
        }
    }

    /// Invariant 1, on every source: the vault's tokens cover its recorded total, which
    /// equals the sum of available + pending over all positions. Tokens beyond the total
    /// must be exactly what [`Suite::donate`] sent (a surplus nobody can withdraw), so a
    /// leak in either direction still fails.
    pub fn check_vault_conservation(&self) -> Result<()> {
        for (source, deployment) in self.sources.iter().enumerate() {
            let assets: vault::AssetsResponse = self
                .chains
                .chain(deployment.side)
                .wrap()
                .query_wasm_smart(&deployment.vault, &vault::QueryMsg::Assets { start_after: None, limit: Some(30) })?;
            for asset in assets.assets {
                let info = asset.settings.asset.clone();
                let balance = self.vault_holdings(source, &info)?;
                let donated = self.donated(deployment.side, &deployment.vault, &denom_or_token(&info));
                let mut sum = 0u128;
                for user in self.owner_names() {
                    let p = self.vault_position_on(source, user, &info)?;
                    sum += p.available.u128() + p.pending.u128();
                }
                ensure!(
                    asset.total.u128() == sum && balance == asset.total.u128() + donated,
                    "invariant 1 broken on {} for {info}: balance {balance}, total {}, sum of positions {sum}, \
                     donated {donated}",
                    deployment.source_id(),
                    asset.total
                );
            }
        }
        Ok(())
    }

    /// Pending withdrawal amounts of one position that the engine has not approved: their
    /// request is still in flight, timed out, or refused with the refusal not yet back at
    /// the vault. Such amounts cannot leave the vault without the engine's approval, and
    /// return to available when the refusal or timeout lands.
    fn unapproved_withdrawals(&self, source: usize, owner: &str, asset: &AssetInfo) -> u128 {
        self.chains
            .in_flight()
            .iter()
            .filter(|p| p.from == Side::Source(source))
            .filter(|p| match &p.state {
                PacketState::Acknowledged(ack) => !matches!(parse_ack::<Received>(ack), AckOutcome::Success(_)),
                _ => true,
            })
            .filter_map(|p| p.decode::<CollateralPacket>().ok())
            .filter_map(|packet| match packet {
                CollateralPacket::WithdrawRequest { owner: o, asset: a, amount, .. } if o == owner && &a == asset => {
                    Some(amount.u128())
                }
                _ => None,
            })
            .sum()
    }

    /// Invariant 2, on every source.
    pub fn check_no_over_credit(&self) -> Result<()> {
        for (source, deployment) in self.sources.iter().enumerate() {
            for user in USERS {
                let owner = self.user_on(source, user).to_string();
                for asset in deployment.assets() {
                    let v = self.vault_position_on(source, user, &asset)?;
                    let e = self.engine_position_on(source, user, &asset)?;
                    let bound = v.available.u128() + self.unapproved_withdrawals(source, &owner, &asset);
                    ensure!(
                        e.usable.u128() <= bound,
                        "invariant 2 broken on {} for {user}/{asset}: engine usable {} > vault available {} + \
                         unapproved pending",
                        deployment.source_id(),
                        e.usable,
                        v.available
                    );
                }
            }
        }
        Ok(())
    }

    /// Invariant 6 (replica totals), on every source: the engine's totals per `(source,
    /// asset)`, which the per-source cap and the health query read, equal the sums over its
    /// replicated positions (reported, reserved, usable), and its count of seizes in flight
    /// per source equals that source's open reservations.
    pub fn check_replica_totals(&self) -> Result<()> {
        let reservations = self.reservations()?;
        for (source, deployment) in self.sources.iter().enumerate() {
            let health: engine::SourceHealthResponse = self.view(&isthmus_protocol::lens::QueryMsg::SourceHealth {
                source_id: deployment.source_id().to_string(),
            })?;
            for row in &health.assets {
                let (mut reported, mut reserved, mut usable) = (0u128, 0u128, 0u128);
                for user in self.owner_names() {
                    let e = self.engine_position_on(source, user, &row.asset)?;
                    reported += e.reported.u128();
                    reserved += e.reserved.u128();
                    usable += e.usable.u128();
                }
                ensure!(
                    (row.reported.u128(), row.reserved.u128(), row.usable.u128()) == (reported, reserved, usable),
                    "invariant 6 broken on {} for {}: totals {:?} but positions sum to ({reported}, {reserved}, \
                     {usable})",
                    deployment.source_id(),
                    row.asset,
                    (row.reported, row.reserved, row.usable)
                );
            }
            let open = reservations.iter().filter(|r| r.source_id == deployment.source_id()).count();
            ensure!(
                health.seizes_in_flight as usize == open,
                "invariant 6 broken on {}: {} seizes in flight counted, {open} reservations open",
                deployment.source_id(),
                health.seizes_in_flight
            );
        }
        Ok(())
    }

    /// A smart query of source `source`'s vault.
    pub fn vault_query<T: serde::de::DeserializeOwned>(&self, source: usize, msg: &vault::QueryMsg) -> Result<T> {
        let deployment = &self.sources[source];
        Ok(self.chains.chain(deployment.side).wrap().query_wasm_smart(&deployment.vault, msg)?)
    }

    /// Invariant 10, on every source: the vault's two indexes (positions by account, pending
    /// withdrawals by owner) hold exactly one entry per row of their books, read from the
    /// vault's whole storage (`collateral_vault::index_check`), and what a wallet reads through
    /// them, page by page, is what the books hold.
    pub fn check_vault_indexes(&self) -> Result<()> {
        use collateral_vault::state::{POSITIONS_BY_ACCOUNT, WITHDRAWALS};
        use cosmwasm_std::{Order, StdResult};
        for (source, deployment) in self.sources.iter().enumerate() {
            let storage = self.chains.chain(deployment.side).contract_storage(&deployment.vault);
            let storage: &dyn cosmwasm_std::Storage = &*storage;
            if let Err(e) = collateral_vault::index_check::check(storage)? {
                anyhow::bail!("invariant 10 broken on {}: {e}", deployment.source_id());
            }
            // The listings by owner, through the query, against the pending book.
            let pending: Vec<(u64, collateral_vault::state::PendingWithdrawal)> =
                WITHDRAWALS.range(storage, None, None, Order::Ascending).collect::<StdResult<_>>()?;
            let owners: std::collections::BTreeSet<String> = pending.iter().map(|(_, w)| w.owner.to_string()).collect();
            for owner in owners {
                let mut listed: Vec<u64> = vec![];
                loop {
                    let msg = vault::QueryMsg::PendingWithdrawals {
                        owner: Some(owner.clone()),
                        start_after: listed.last().copied(),
                        limit: Some(2),
                    };
                    let page: vault::PendingWithdrawalsResponse = self.vault_query(source, &msg)?;
                    let full = page.withdrawals.len() == 2;
                    listed.extend(page.withdrawals.iter().map(|w| w.request_id));
                    if !full {
                        break;
                    }
                }
                let expected: Vec<u64> =
                    pending.iter().filter(|(_, w)| w.owner.as_str() == owner).map(|(id, _)| *id).collect();
                ensure!(
                    listed == expected,
                    "invariant 10 broken on {}: {owner} lists withdrawals {listed:?}, the book holds {expected:?}",
                    deployment.source_id()
                );
            }
            // The listings by account, through the query, against the index.
            let index: Vec<(String, (cosmwasm_std::Addr, String))> =
                POSITIONS_BY_ACCOUNT.keys(storage, None, None, Order::Ascending).collect::<StdResult<_>>()?;
            let accounts: std::collections::BTreeSet<&String> = index.iter().map(|(a, _)| a).collect();
            for account in accounts {
                let mut listed: Vec<vault::PositionResponse> = vec![];
                loop {
                    let start_after = listed.last().map(|p| (p.owner.clone(), p.asset.clone()));
                    let msg =
                        vault::QueryMsg::PositionsByAccount { account: account.clone(), start_after, limit: Some(3) };
                    let page: vault::PositionsResponse = self.vault_query(source, &msg)?;
                    let full = page.positions.len() == 3;
                    listed.extend(page.positions);
                    if !full {
                        break;
                    }
                }
                let listed: Vec<(String, String)> = listed.iter().map(|p| (p.owner.clone(), p.asset.key())).collect();
                let expected: Vec<(String, String)> = index
                    .iter()
                    .filter(|(a, _)| a == account)
                    .map(|(_, (owner, asset))| (owner.to_string(), asset.clone()))
                    .collect();
                ensure!(
                    listed == expected,
                    "invariant 10 broken on {}: {account} lists {listed:?}, its index holds {expected:?}",
                    deployment.source_id()
                );
            }
        }
        Ok(())
    }

    /// Invariants 1, 2, 3, 5, 6, 8, 9 and 10, after every step: every source chain's books, the engine's
    /// replica totals and the target chain's cash and token solvency (every scenario checks
    /// every chain, whatever it does).
    pub fn check_invariants(&self) -> Result<()> {
        self.check_vault_conservation()?;
        self.check_no_over_credit()?;
        self.check_replica_totals()?;
        self.check_vault_indexes()?;
        self.check_cash_conservation()?;
        self.check_token_solvency()?;
        self.check_pool_risk()?;
        self.check_position_book()
    }

    /// Invariant 4: relay everything, then every book must balance.
    pub fn resolve_all_and_check(&mut self) -> Result<()> {
        self.relay_all()?;
        self.check_resolved()
    }

    /// Invariant 4 without relaying: nothing in flight, and every book balances.
    pub fn check_resolved(&self) -> Result<()> {
        self.check_invariants()?;
        ensure!(self.chains.in_flight().is_empty(), "packets left in flight");
        ensure!(self.reservations()?.is_empty(), "reservations left open");
        for (source, deployment) in self.sources.iter().enumerate() {
            ensure!(self.pending_withdrawals_on(source)?.is_empty(), "withdrawals left pending on {source}");
            for user in USERS {
                for asset in deployment.assets() {
                    let v = self.vault_position_on(source, user, &asset)?;
                    let e = self.engine_position_on(source, user, &asset)?;
                    ensure!(
                        e.reported == v.available && e.reserved.is_zero(),
                        "invariant 4 on {}: {user}/{asset} engine reported {} (seq {}) but vault has {} (seq {})",
                        deployment.source_id(),
                        e.reported,
                        e.seq,
                        v.available,
                        v.seq
                    );
                }
            }
        }
        Ok(())
    }
}

/// A native asset's denom or a cw20 asset's contract address: how donations are keyed.
fn denom_or_token(asset: &AssetInfo) -> String {
    match asset {
        AssetInfo::Native(denom) => denom.clone(),
        AssetInfo::Cw20(token) => token.clone(),
    }
}
