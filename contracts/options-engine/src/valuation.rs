//! Marks of series and conversion to quote base units.
//!
//! A mark is in whole quote per contract: Black-Scholes price x contract size before expiry;
//! after expiry, the intrinsic value at the settlement price (or, until that is fixed, at the
//! spot under the lenient rule).

use cosmwasm_std::Storage;
use isthmus_pricing::{price, BsInputs, Fixed, Rounding};
use isthmus_protocol::engine::{OptionKind, SeriesParams};

use crate::account_margin::to_pricing_kind;
use crate::error::{ContractError, ContractResult};
use crate::market_data::{self, to_fixed, Freshness};
use crate::state::market::{EXPIRIES, RISK};

/// Intrinsic value per whole unit at `spot`.
pub fn intrinsic(kind: OptionKind, strike: Fixed, spot: Fixed) -> ContractResult<Fixed> {
    let v = match kind {
        OptionKind::Call => spot.checked_sub(strike)?,
        OptionKind::Put => strike.checked_sub(spot)?,
    };
    Ok(v.max(Fixed::ZERO))
}

/// Settlement price of the series' expiry, once fixed.
pub fn settlement_price(storage: &dyn Storage, series: &SeriesParams) -> ContractResult<Option<Fixed>> {
    match EXPIRIES.may_load(storage, (&series.underlying, series.expiry))? {
        Some(e) => e.settlement_price.map(to_fixed).transpose(),
        None => Ok(None),
    }
}

/// Mark per contract, whole quote units.
pub fn mark(storage: &dyn Storage, now: u64, series: &SeriesParams, mode: Freshness) -> ContractResult<Fixed> {
    let strike = to_fixed(series.strike)?;
    let size = to_fixed(series.contract_size)?;
    let per_unit = if now >= series.expiry {
        let at = match settlement_price(storage, series)? {
            Some(p) => p,
            None => market_data::spot(storage, now, &series.underlying, Freshness::Lenient)?,
        };
        intrinsic(series.kind, strike, at)?
    } else {
        price(&bs_inputs(storage, now, series, mode)?, to_pricing_kind(series.kind))?
    };
    Ok(per_unit.checked_mul(size)?)
}

/// The Black-Scholes inputs of a live series per whole unit of the underlying, under `mode`.
pub fn bs_inputs(storage: &dyn Storage, now: u64, series: &SeriesParams, mode: Freshness) -> ContractResult<BsInputs> {
    Ok(BsInputs {
        spot: market_data::spot(storage, now, &series.underlying, mode)?,
        strike: to_fixed(series.strike)?,
        time_years: market_data::years_to(now, series.expiry)?,
        vol: market_data::vol(storage, now, &series.underlying, series.expiry, mode)?,
        rate: to_fixed(RISK.load(storage)?.rate)?,
    })
}

/// What `quantity` contracts at `per_contract` move, as `Trade` computes a leg: the premium
/// (paid when positive; what the account pays rounds up, what it receives rounds toward zero,
/// also in the pool's favour) and the fee on the spread (rounded up), in quote base units.
pub fn leg_amounts(
    per_contract: Fixed,
    quantity: i64,
    spread: Fixed,
    quote_decimals: u8,
) -> ContractResult<(i128, i128)> {
    let premium = quote_amount(per_contract, i128::from(quantity), quote_decimals, Rounding::Ceil)?;
    let fee_per_contract = per_contract.mul_rounded(spread, Rounding::Ceil)?;
    let fee = quote_amount(fee_per_contract, i128::from(quantity.unsigned_abs()), quote_decimals, Rounding::Ceil)?;
    Ok((premium, fee))
}

/// `per_contract x quantity` in quote base units, rounded as asked.
pub fn quote_amount(
    per_contract: Fixed,
    quantity: i128,
    quote_decimals: u8,
    rounding: Rounding,
) -> ContractResult<i128> {
    let scale = 10i128.checked_pow(u32::from(quote_decimals)).ok_or_else(|| ContractError::overflow("quote scale"))?;
    let units = quantity.checked_mul(scale).ok_or_else(|| ContractError::overflow("quantity in base units"))?;
    per_contract.mul_int(units, rounding).map_err(ContractError::from)
}

/// `max(v, 0)` as an unsigned amount: how a view reports a requirement or a value that only
/// counts when positive (a margin, a floor, a collateral value).
pub fn non_negative(v: impl Into<i128>) -> cosmwasm_std::Uint128 {
    cosmwasm_std::Uint128::new(v.into().max(0).unsigned_abs())
}
