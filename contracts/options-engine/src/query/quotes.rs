//! Quotes of series: the mark, bid and ask of one contract as `Trade` would price it, and its
//! greeks (docs/integrating.md, "Views for a UI").

use cosmwasm_std::{Decimal, Int128, SignedDecimal, Storage};
use isthmus_pricing::{greeks, Fixed, Rounding};
use isthmus_protocol::engine::{Greeks, SeriesParams, SeriesQuote};

use crate::account_margin::to_pricing_kind;
use crate::error::{ContractError, ContractResult};
use crate::market_data::{self, to_fixed, Freshness};
use crate::state::market::{QUOTE, RISK};
use crate::valuation::{bs_inputs, leg_amounts, mark, settlement_price};

const ATOMICS: i128 = 1_000_000_000_000_000_000;

/// A non-negative fixed-point value as a `Decimal` (18 places), rounded as asked.
pub fn to_decimal(value: Fixed, rounding: Rounding) -> ContractResult<Decimal> {
    let atomics = value.mul_int(ATOMICS, rounding)?;
    let atomics = u128::try_from(atomics).map_err(|_| market_data::invalid("value", "negative"))?;
    Ok(Decimal::raw(atomics))
}

/// A fixed-point value as a `SignedDecimal`, rounded to nearest.
pub fn to_signed_decimal(value: Fixed) -> ContractResult<SignedDecimal> {
    Ok(SignedDecimal::raw(value.mul_int(ATOMICS, Rounding::Nearest)?))
}

/// Greeks per whole unit of the underlying in the pricing crate's units, per contract of
/// `contract_size` in the view's units: vega per vol point, theta per day.
pub fn contract_greeks(storage: &dyn Storage, now: u64, series: &SeriesParams) -> ContractResult<GreeksFixed> {
    let per_unit = greeks(&bs_inputs(storage, now, series, Freshness::Lenient)?, to_pricing_kind(series.kind))?;
    let size = to_fixed(series.contract_size)?;
    Ok(GreeksFixed {
        delta: per_unit.delta.checked_mul(size)?,
        gamma: per_unit.gamma.checked_mul(size)?,
        vega: per_unit.vega.checked_mul(size)?.checked_div(Fixed::from_int(100)?)?,
        theta: per_unit.theta.checked_mul(size)?.checked_div(Fixed::from_int(365)?)?,
    })
}

/// Greeks in fixed point, to be scaled and summed before they are shown.
#[derive(Clone, Copy)]
pub struct GreeksFixed {
    pub delta: Fixed,
    pub gamma: Fixed,
    pub vega: Fixed,
    pub theta: Fixed,
}

impl GreeksFixed {
    pub const ZERO: GreeksFixed =
        GreeksFixed { delta: Fixed::ZERO, gamma: Fixed::ZERO, vega: Fixed::ZERO, theta: Fixed::ZERO };

    pub fn scaled(self, quantity: i64) -> ContractResult<GreeksFixed> {
        let q = Fixed::from_int(i128::from(quantity))?;
        Ok(GreeksFixed {
            delta: self.delta.checked_mul(q)?,
            gamma: self.gamma.checked_mul(q)?,
            vega: self.vega.checked_mul(q)?,
            theta: self.theta.checked_mul(q)?,
        })
    }

    pub fn checked_add(self, other: GreeksFixed) -> ContractResult<GreeksFixed> {
        Ok(GreeksFixed {
            delta: self.delta.checked_add(other.delta)?,
            gamma: self.gamma.checked_add(other.gamma)?,
            vega: self.vega.checked_add(other.vega)?,
            theta: self.theta.checked_add(other.theta)?,
        })
    }

    pub fn view(self) -> ContractResult<Greeks> {
        Ok(Greeks {
            delta: to_signed_decimal(self.delta)?,
            gamma: to_signed_decimal(self.gamma)?,
            vega: to_signed_decimal(self.vega)?,
            theta: to_signed_decimal(self.theta)?,
        })
    }
}

/// The quote of one contract of `series` now, at lenient prices (the mark a margin view uses).
pub fn series_quote(storage: &dyn Storage, now: u64, series: &SeriesParams) -> ContractResult<SeriesQuote> {
    let spread = to_fixed(RISK.load(storage)?.spread)?;
    let decimals = QUOTE.load(storage)?.decimals;
    let expired = now >= series.expiry;
    let per_contract = mark(storage, now, series, Freshness::Lenient)?;
    let fee = per_contract.mul_rounded(spread, Rounding::Ceil)?;
    let (buy_premium, buy_fee) = leg_amounts(per_contract, 1, spread, decimals)?;
    let (sell_premium, sell_fee) = leg_amounts(per_contract, -1, spread, decimals)?;
    let overflow = || ContractError::overflow("quote");
    let spot = match (expired, settlement_price(storage, series)?) {
        (true, Some(price)) => price,
        _ => market_data::spot(storage, now, &series.underlying, Freshness::Lenient)?,
    };
    let (vol, greeks, fresh) = if expired {
        (None, None, false)
    } else {
        let vol = market_data::vol(storage, now, &series.underlying, series.expiry, Freshness::Lenient)?;
        let fresh = bs_inputs(storage, now, series, Freshness::Strict).is_ok();
        (Some(to_decimal(vol, Rounding::Nearest)?), Some(contract_greeks(storage, now, series)?.view()?), fresh)
    };
    Ok(SeriesQuote {
        spot: to_decimal(spot, Rounding::Nearest)?,
        vol,
        mark: to_decimal(per_contract, Rounding::Floor)?,
        spread: RISK.load(storage)?.spread,
        bid: to_decimal(per_contract.checked_sub(fee)?.max(Fixed::ZERO), Rounding::Floor)?,
        ask: to_decimal(per_contract.checked_add(fee)?, Rounding::Ceil)?,
        buy_one_cost: Int128::new(buy_premium.checked_add(buy_fee).ok_or_else(overflow)?),
        sell_one_proceeds: Int128::new(
            sell_premium.checked_neg().and_then(|p| p.checked_sub(sell_fee)).ok_or_else(overflow)?,
        ),
        greeks,
        fresh,
    })
}
