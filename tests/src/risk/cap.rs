//! The per-source exposure cap a run sets (docs/risk.md, docs/protocol.md §6).

use std::str::FromStr;

use anyhow::Result;
use cosmwasm_std::Decimal;
use isthmus_protocol::engine;

use crate::suite::Suite;

/// Cap every source at `share` of all remote collateral, as the risk manager would (1.0:
/// leave every source uncapped).
pub fn apply(suite: &mut Suite, share: f64) -> Result<()> {
    if share >= 1.0 {
        return Ok(());
    }
    let max_share = Decimal::from_str(&format!("{share:.4}"))?;
    let risk_manager = suite.target_admin.clone();
    for index in 0..suite.sources.len() {
        let source_id = suite.source(index).source_id().to_string();
        suite.engine_execute(
            &risk_manager,
            &engine::ExecuteMsg::SetSourceCap { source_id, max_share, max_value: None },
        )?;
    }
    Ok(())
}
