//! docs/protocol.md §4 invariants as checks a test calls after every step.
//!
//! * Invariant 1 (vault conservation): per asset, the vault's bank or cw20 balance equals
//!   its recorded total, which equals the sum of available + pending over all positions.
//! * Invariant 2 (no over-credit): per position, the engine's usable amount is at most what
//!   cannot leave the vault without the engine's consent: the vault's available plus the
//!   pending withdrawals the engine has not approved (request in flight, timed out, or
//!   refused with the refusal still on its way back). With no withdrawal in flight this is
//!   exactly usable <= available.
//! * Invariant 6 (replica totals): the engine's per-(source, asset) totals equal the sums over
//!   its replicated positions, and its count of seizes in flight the open reservations.
//! * Invariant 4 (every packet settles, books balance): once the relayer holds nothing,
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
    fn all_assets(&self) -> Vec<AssetInfo> {
        vec![Suite::atom(), self.stk()]
    }

    /// Invariant 1.
    pub fn check_vault_conservation(&self) -> Result<()> {
        let assets: vault::AssetsResponse = self
            .chains
            .source
            .wrap()
            .query_wasm_smart(&self.vault, &vault::QueryMsg::Assets { start_after: None, limit: Some(30) })?;
        for asset in assets.assets {
            let info = asset.settings.asset.clone();
            let balance = match &info {
                AssetInfo::Native(denom) => self.native_balance(Side::Source, &self.vault, denom)?,
                AssetInfo::Cw20(_) => self.cw20_balance(&self.vault)?,
            };
            let mut sum = 0u128;
            for user in USERS.iter().copied().chain(self.extra_owners.iter().map(String::as_str)) {
                let p = self.vault_position(user, &info)?;
                sum += p.available.u128() + p.pending.u128();
            }
            ensure!(
                balance == asset.total.u128() && asset.total.u128() == sum,
                "invariant 1 broken for {info}: balance {balance}, total {}, sum of positions {sum}",
                asset.total
            );
        }
        Ok(())
    }

    /// Pending withdrawal amounts of one position that the engine has not approved: their
    /// request is still in flight, timed out, or refused with the refusal not yet back at
    /// the vault. Such amounts cannot leave the vault without the engine's approval, and
    /// return to available when the refusal or timeout lands.
    fn unapproved_withdrawals(&self, owner: &str, asset: &AssetInfo) -> u128 {
        self.chains
            .in_flight()
            .iter()
            .filter(|p| p.from == Side::Source)
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

    /// Invariant 2.
    pub fn check_no_over_credit(&self) -> Result<()> {
        for user in USERS {
            let owner = self.user(user).to_string();
            for asset in self.all_assets() {
                let v = self.vault_position(user, &asset)?;
                let e = self.engine_position(user, &asset)?;
                let bound = v.available.u128() + self.unapproved_withdrawals(&owner, &asset);
                ensure!(
                    e.usable.u128() <= bound,
                    "invariant 2 broken for {user}/{asset}: engine usable {} > vault available {} + unapproved pending",
                    e.usable,
                    v.available
                );
            }
        }
        Ok(())
    }

    /// Invariant 6 (replica totals): the engine's totals per `(source, asset)`, which the
    /// per-source cap and the health query read, equal the sums over its replicated positions
    /// (reported, reserved, usable), and its count of seizes in flight equals the open
    /// reservations.
    pub fn check_replica_totals(&self) -> Result<()> {
        let health: engine::SourceHealthResponse = self.chains.target.wrap().query_wasm_smart(
            &self.engine,
            &engine::QueryMsg::SourceHealth { source_id: crate::suite::SOURCE_ID.to_string() },
        )?;
        for row in &health.assets {
            let (mut reported, mut reserved, mut usable) = (0u128, 0u128, 0u128);
            for user in USERS.iter().copied().chain(self.extra_owners.iter().map(String::as_str)) {
                let e = self.engine_position(user, &row.asset)?;
                reported += e.reported.u128();
                reserved += e.reserved.u128();
                usable += e.usable.u128();
            }
            ensure!(
                (row.reported.u128(), row.reserved.u128(), row.usable.u128()) == (reported, reserved, usable),
                "invariant 6 broken for {}: totals {:?} but positions sum to ({reported}, {reserved}, {usable})",
                row.asset,
                (row.reported, row.reserved, row.usable)
            );
        }
        let open = self.reservations()?.len();
        ensure!(
            health.seizes_in_flight as usize == open,
            "invariant 6 broken: {} seizes in flight counted, {open} reservations open",
            health.seizes_in_flight
        );
        Ok(())
    }

    /// Invariants 1, 2, 3, 5 and 6, after every step: the source chain's books, the engine's
    /// replica totals and the target chain's cash and token solvency (every scenario checks both
    /// chains, whatever it does).
    pub fn check_invariants(&self) -> Result<()> {
        self.check_vault_conservation()?;
        self.check_no_over_credit()?;
        self.check_replica_totals()?;
        self.check_cash_conservation()?;
        self.check_token_solvency()
    }

    /// Invariant 4: relay everything, then every book must balance.
    pub fn settle_and_check(&mut self) -> Result<()> {
        self.relay_all()?;
        self.check_invariants()?;
        ensure!(self.chains.in_flight().is_empty(), "packets left in flight");
        ensure!(self.pending_withdrawals()?.is_empty(), "withdrawals left pending");
        ensure!(self.reservations()?.is_empty(), "reservations left open");
        for user in USERS {
            for asset in self.all_assets() {
                let v = self.vault_position(user, &asset)?;
                let e = self.engine_position(user, &asset)?;
                ensure!(
                    e.reported == v.available && e.reserved.is_zero(),
                    "invariant 4: {user}/{asset} engine reported {} (seq {}) but vault has {} (seq {})",
                    e.reported,
                    e.seq,
                    v.available,
                    v.seq
                );
            }
        }
        Ok(())
    }
}
