//! The risk manager sets a source's exposure cap (docs/protocol.md §6, docs/security.md).

use cosmwasm_std::{Decimal, DepsMut, MessageInfo, Response, Uint128};

use crate::error::{ContractError, ContractResult};
use crate::execute::series::only_risk_manager;
use crate::state::{load_source, SourceCap, CONFIG, SOURCE_CAPS};

/// Cap `source_id` at `min(max_value, ⌊max_share × total⌋)` of initial margin; `max_share = 1`
/// with no `max_value` removes the cap. `Config::capped_sources` counts the capped sources, so
/// that an engine without caps reads nothing more in a margin evaluation.
pub fn set_source_cap(
    deps: DepsMut,
    info: MessageInfo,
    source_id: String,
    max_share: Decimal,
    max_value: Option<Uint128>,
) -> ContractResult<Response> {
    only_risk_manager(&deps, &info, "set_source_cap")?;
    load_source(deps.storage, &source_id)?;
    if max_share.is_zero() || max_share > Decimal::one() {
        return Err(ContractError::InvalidMaxShare { max_share });
    }
    let capped = max_share < Decimal::one() || max_value.is_some();
    let was_capped = SOURCE_CAPS.has(deps.storage, &source_id);
    let mut config = CONFIG.load(deps.storage)?;
    match (was_capped, capped) {
        (false, true) => config.capped_sources = config.capped_sources.checked_add(1).ok_or_else(count_error)?,
        (true, false) => config.capped_sources = config.capped_sources.checked_sub(1).ok_or_else(count_error)?,
        _ => {}
    }
    if capped {
        SOURCE_CAPS.save(deps.storage, &source_id, &SourceCap { max_share, max_value })?;
    } else {
        SOURCE_CAPS.remove(deps.storage, &source_id);
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "set_source_cap")
        .add_attribute("source_id", source_id)
        .add_attribute("max_share", max_share.to_string())
        .add_attribute("max_value", max_value.map_or_else(|| "none".to_string(), |v| v.to_string()))
        .add_attribute("capped_sources", config.capped_sources.to_string()))
}

fn count_error() -> ContractError {
    crate::market_data::invalid("capped_sources", "count out of range")
}
