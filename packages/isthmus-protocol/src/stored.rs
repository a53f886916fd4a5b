//! The storage layout of the protocol types a contract keeps in its state (docs/storage.md):
//! each type's fields in this order. Changing an order or a field is a storage migration.

use cosmwasm_std::StdResult;
use isthmus_store::{codec_struct, Codec, Reader};

use crate::asset::AssetInfo;
use crate::engine::{
    ClosedPosition, LiquidationRecord, OptionKind, PoolRequest, PoolRequestKind, PriceSource, RiskParams, SeriesParams,
    SlinkyApi, SymbolParams,
};
use crate::vault::{AssetSettings, ChannelRole, Counterparty, WithdrawalStatus};

fn bad_tag() -> cosmwasm_std::StdError {
    cosmwasm_std::StdError::generic_err("corrupt stored value: enum tag out of range")
}

impl Codec for AssetInfo {
    fn encode(&self, out: &mut Vec<u8>) {
        let (tag, name) = match self {
            AssetInfo::Native(denom) => (0u8, denom),
            AssetInfo::Cw20(address) => (1, address),
        };
        out.push(tag);
        name.encode(out);
    }
    fn decode(input: &mut Reader<'_>) -> StdResult<Self> {
        match input.byte()? {
            0 => String::decode(input).map(AssetInfo::Native),
            1 => String::decode(input).map(AssetInfo::Cw20),
            _ => Err(bad_tag()),
        }
    }
}

impl Codec for OptionKind {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(match self {
            OptionKind::Call => 0,
            OptionKind::Put => 1,
        })
    }
    fn decode(input: &mut Reader<'_>) -> StdResult<Self> {
        match input.byte()? {
            0 => Ok(OptionKind::Call),
            1 => Ok(OptionKind::Put),
            _ => Err(bad_tag()),
        }
    }
}

impl Codec for SlinkyApi {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(match self {
            SlinkyApi::SlinkyV1 => 0,
            SlinkyApi::ConnectV2 => 1,
        })
    }
    fn decode(input: &mut Reader<'_>) -> StdResult<Self> {
        match input.byte()? {
            0 => Ok(SlinkyApi::SlinkyV1),
            1 => Ok(SlinkyApi::ConnectV2),
            _ => Err(bad_tag()),
        }
    }
}

/// Kept in a table of its own (`price_sources`), so that the `SymbolParams` rows keep their
/// layout (docs/oracles.md).
impl Codec for PriceSource {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            PriceSource::Push => out.push(0),
            PriceSource::Pyth { contract, price_feed_id, max_confidence_bps } => {
                out.push(1);
                contract.encode(out);
                price_feed_id.encode(out);
                max_confidence_bps.encode(out);
            }
            PriceSource::Slinky { currency_pair, api } => {
                out.push(2);
                currency_pair.encode(out);
                api.encode(out);
            }
        }
    }
    fn decode(input: &mut Reader<'_>) -> StdResult<Self> {
        match input.byte()? {
            0 => Ok(PriceSource::Push),
            1 => Ok(PriceSource::Pyth {
                contract: Codec::decode(input)?,
                price_feed_id: Codec::decode(input)?,
                max_confidence_bps: Codec::decode(input)?,
            }),
            2 => Ok(PriceSource::Slinky { currency_pair: Codec::decode(input)?, api: Codec::decode(input)? }),
            _ => Err(bad_tag()),
        }
    }
}

impl Codec for PoolRequestKind {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            PoolRequestKind::Deposit { amount, nav_entry, total_shares } => {
                out.push(0);
                amount.encode(out);
                nav_entry.encode(out);
                total_shares.encode(out);
            }
            PoolRequestKind::Redemption { shares, value } => {
                out.push(1);
                shares.encode(out);
                value.encode(out);
            }
        }
    }
    fn decode(input: &mut Reader<'_>) -> StdResult<Self> {
        match input.byte()? {
            0 => Ok(PoolRequestKind::Deposit {
                amount: Codec::decode(input)?,
                nav_entry: Codec::decode(input)?,
                total_shares: Codec::decode(input)?,
            }),
            1 => Ok(PoolRequestKind::Redemption { shares: Codec::decode(input)?, value: Codec::decode(input)? }),
            _ => Err(bad_tag()),
        }
    }
}

impl Codec for ChannelRole {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(match self {
            ChannelRole::Collateral => 0,
            ChannelRole::Seize => 1,
        })
    }
    fn decode(input: &mut Reader<'_>) -> StdResult<Self> {
        match input.byte()? {
            0 => Ok(ChannelRole::Collateral),
            1 => Ok(ChannelRole::Seize),
            _ => Err(bad_tag()),
        }
    }
}

impl Codec for WithdrawalStatus {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            WithdrawalStatus::Pending {} => out.push(0),
            WithdrawalStatus::Paid {} => out.push(1),
            WithdrawalStatus::PayoutFailed { error } => {
                out.push(2);
                error.encode(out);
            }
            WithdrawalStatus::RolledBack { reason } => {
                out.push(3);
                reason.encode(out);
            }
            WithdrawalStatus::TimedOut {} => out.push(4),
        }
    }
    fn decode(input: &mut Reader<'_>) -> StdResult<Self> {
        match input.byte()? {
            0 => Ok(WithdrawalStatus::Pending {}),
            1 => Ok(WithdrawalStatus::Paid {}),
            2 => Ok(WithdrawalStatus::PayoutFailed { error: Codec::decode(input)? }),
            3 => Ok(WithdrawalStatus::RolledBack { reason: Codec::decode(input)? }),
            4 => Ok(WithdrawalStatus::TimedOut {}),
            _ => Err(bad_tag()),
        }
    }
}

codec_struct!(Counterparty { connection_id, port_id });
codec_struct!(AssetSettings { asset, deposit_cap, enabled });

codec_struct!(SymbolParams {
    symbol,
    max_price_age_seconds,
    lenient_price_age_seconds,
    max_vol_age_seconds,
    max_pool_delta
});
codec_struct!(SeriesParams { underlying, strike, expiry, kind, contract_size, open_interest_cap });
codec_struct!(RiskParams {
    spread,
    rate,
    max_leg_quantity,
    initial_margin_factor,
    spot_moves,
    vol_shock_up,
    vol_shock_down,
    vol_shock_exponent,
    vol_shock_reference_days,
    min_days_to_expiry,
    min_vol,
    short_floor,
    haircut_base,
    haircut_z,
    seize_latency_seconds,
    settlement_fallback_seconds,
    liquidation_penalty,
    liquidator_share,
    liquidation_bonus,
    lp_notice_seconds,
    tail_moves,
    tail_weight,
    pool_risk_max_age_seconds,
    pool_risk_max_spot_move,
    pool_risk_max_vol_move
});
codec_struct!(PoolRequest { request_id, lp, kind, requested_at, ready_at });
codec_struct!(ClosedPosition { series_id, quantity, premium, penalty });
codec_struct!(LiquidationRecord {
    liquidation_id,
    account,
    liquidator,
    closed,
    penalties,
    reward,
    insurance,
    cash_after,
    time
});

#[cfg(test)]
mod tests {
    use cosmwasm_std::{Decimal, Int128, SignedDecimal, Uint128};
    use isthmus_store::{decode, encode, Codec};

    use super::*;

    fn round_trip<V: Codec + PartialEq + std::fmt::Debug>(value: V) {
        assert_eq!(decode::<V>(&encode(&value)).unwrap(), value);
    }

    /// Every variant of every stored enum, and the structs holding them, read back equal; an
    /// unknown tag is refused.
    #[test]
    fn stored_protocol_types_round_trip() {
        round_trip(AssetInfo::Native("uatom".into()));
        round_trip(AssetInfo::Cw20("cosmos1token".into()));
        round_trip(PriceSource::Push);
        round_trip(PriceSource::Pyth {
            contract: "pyth".into(),
            price_feed_id: "ab".repeat(32),
            max_confidence_bps: 150,
        });
        for api in [SlinkyApi::SlinkyV1, SlinkyApi::ConnectV2] {
            round_trip(PriceSource::Slinky { currency_pair: "ATOM/USD".into(), api });
        }
        assert_eq!(
            encode(&PriceSource::Slinky { currency_pair: "A/B".into(), api: SlinkyApi::ConnectV2 }),
            vec![2, 3, b'A', b'/', b'B', 1]
        );
        assert_eq!(
            encode(&PriceSource::Pyth { contract: "c".into(), price_feed_id: "d".into(), max_confidence_bps: 3 }),
            vec![1, 1, b'c', 1, b'd', 3]
        );
        assert_eq!(encode(&PriceSource::Push), vec![0]);
        assert!(decode::<PriceSource>(&[3]).is_err());
        assert!(decode::<SlinkyApi>(&[2]).is_err());
        for kind in [OptionKind::Call, OptionKind::Put] {
            round_trip(SeriesParams {
                underlying: "ATOM".into(),
                strike: Decimal::percent(1_050),
                expiry: 1_800_000_000,
                kind,
                contract_size: Decimal::one(),
                open_interest_cap: Uint128::new(10_000),
            });
        }
        for kind in [
            PoolRequestKind::Deposit {
                amount: Uint128::new(5),
                nav_entry: Int128::new(-7),
                total_shares: Uint128::new(9),
            },
            PoolRequestKind::Redemption { shares: Uint128::new(3), value: Uint128::new(4) },
        ] {
            round_trip(PoolRequest { request_id: 1, lp: "lp".into(), kind, requested_at: 10, ready_at: 3_610 });
        }
        round_trip(LiquidationRecord {
            liquidation_id: 2,
            account: "a".into(),
            liquidator: "k".into(),
            closed: vec![ClosedPosition {
                series_id: 1,
                quantity: -40,
                premium: Int128::new(-12),
                penalty: Uint128::new(3),
            }],
            penalties: Uint128::new(3),
            reward: Uint128::new(1),
            insurance: Uint128::new(2),
            cash_after: Int128::new(-100),
            time: 1_800_000_000,
        });
        for role in [ChannelRole::Collateral, ChannelRole::Seize] {
            round_trip(role);
        }
        for status in [
            WithdrawalStatus::Pending {},
            WithdrawalStatus::Paid {},
            WithdrawalStatus::PayoutFailed { error: "no funds".into() },
            WithdrawalStatus::RolledBack { reason: "margin".into() },
            WithdrawalStatus::TimedOut {},
        ] {
            round_trip(status);
        }
        assert_eq!(encode(&WithdrawalStatus::RolledBack { reason: "r".into() }), vec![3, 1, b'r']);
        round_trip(Counterparty { connection_id: "connection-0".into(), port_id: "wasm.engine".into() });
        round_trip(AssetSettings {
            asset: AssetInfo::Cw20("cosmos1token".into()),
            deposit_cap: Uint128::new(1_000_000),
            enabled: false,
        });
        assert!(decode::<ChannelRole>(&[2]).is_err());
        assert!(decode::<WithdrawalStatus>(&[5]).is_err());
        assert!(decode::<AssetInfo>(&[2, 0]).is_err());
        assert!(decode::<OptionKind>(&[2]).is_err());
        assert!(decode::<PoolRequestKind>(&[9]).is_err());
    }

    /// Golden bytes of the risk parameters (read by every margin evaluation): each field holds
    /// a distinct value, so swapping two of its many decimals in the `codec_struct!` line above
    /// (which compiles and round-trips) fails here.
    #[test]
    fn the_risk_parameters_layout_is_pinned() {
        let d = |n: u128| Decimal::new(Uint128::new(n));
        let risk = RiskParams {
            spread: d(1),
            rate: d(2),
            max_leg_quantity: 3,
            initial_margin_factor: d(4),
            spot_moves: vec![SignedDecimal::new(Int128::new(-5))],
            vol_shock_up: d(6),
            vol_shock_down: d(7),
            vol_shock_exponent: d(8),
            vol_shock_reference_days: 9,
            min_days_to_expiry: 10,
            min_vol: d(11),
            short_floor: d(12),
            haircut_base: d(13),
            haircut_z: d(14),
            seize_latency_seconds: 15,
            settlement_fallback_seconds: 16,
            liquidation_penalty: d(17),
            liquidator_share: d(18),
            liquidation_bonus: d(19),
            lp_notice_seconds: 20,
            tail_moves: vec![SignedDecimal::new(Int128::new(21))],
            tail_weight: d(22),
            pool_risk_max_age_seconds: 23,
            pool_risk_max_spot_move: d(24),
            pool_risk_max_vol_move: d(25),
        };
        assert_eq!(
            cosmwasm_std::HexBinary::from(encode(&risk)).to_hex(),
            "010203040109060708090a0b0c0d0e0f1011121314012a16171819"
        );
        round_trip(risk);
    }
}
