//! A keeper's seize (docs/protocol.md §7.2): escrow the repayment, reserve collateral at the engine,
//! send `seize` to the vault. The acknowledgement decides the outcome (`ibc/ack.rs`).

use cosmwasm_std::{to_json_binary, DepsMut, Env, IbcMsg, IbcTimeout, MessageInfo, Response, Uint128};
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::contracts::CollateralPosition;
use isthmus_protocol::controller::SeizeStatus;
use isthmus_protocol::engine::ExecuteMsg as EngineMsg;
use isthmus_protocol::packet::{SeizePacket, SeizeRecipient};

use crate::error::{ContractError, ContractResult};
use crate::state::{
    seizes, SeizeRecord, ACCOUNT_IN_FLIGHT, ACCOUNT_REPAY_IN_FLIGHT, CONFIG, FUNDS, NEXT_SEIZE_ID, SOURCES,
};

/// Source-chain addresses cannot be checked here (another bech32 prefix); the vault checks
/// them and refuses with an error ack, which rolls the seize back.
fn check_recipient(recipient: &SeizeRecipient) -> ContractResult<()> {
    let plausible =
        |s: &str| !s.is_empty() && s.len() <= 128 && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c));
    let ok = match recipient {
        SeizeRecipient::Local { address } => plausible(address),
        SeizeRecipient::Ics20 { channel, receiver, memo } => {
            channel.strip_prefix("channel-").is_some_and(|n| n.parse::<u64>().is_ok())
                && plausible(receiver)
                && memo.len() <= 1024
        }
    };
    if ok {
        Ok(())
    } else {
        Err(ContractError::InvalidRecipient { reason: format!("{recipient:?}") })
    }
}

pub struct SeizeRequest {
    pub account: String,
    pub source_id: String,
    pub owner: String,
    pub asset: AssetInfo,
    pub recipient: SeizeRecipient,
}

pub fn seize(deps: DepsMut, env: Env, info: MessageInfo, req: SeizeRequest) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let repay = cw_utils::must_pay(&info, &config.quote_denom)?;
    check_recipient(&req.recipient)?;
    let source = SOURCES.load(deps.storage, &req.source_id)?;
    let channel =
        source.channel_id.clone().ok_or(ContractError::NoSeizeChannel { source_id: req.source_id.clone() })?;
    if source.state.in_flight >= config.max_in_flight_per_source {
        return Err(ContractError::TooManyInFlight {
            what: format!("source {}", req.source_id),
            max: config.max_in_flight_per_source,
        });
    }
    let open = ACCOUNT_IN_FLIGHT.may_load(deps.storage, &req.account)?.unwrap_or(0);
    if open >= config.max_in_flight_per_account {
        return Err(ContractError::TooManyInFlight {
            what: format!("account {}", req.account),
            max: config.max_in_flight_per_account,
        });
    }
    // Repayments already in escrow count against the debt: concurrent seizes can never repay
    // (and take collateral for) more than is owed.
    let in_escrow = ACCOUNT_REPAY_IN_FLIGHT.may_load(deps.storage, &req.account)?.unwrap_or_default();
    let engine = config.engine();
    let state = engine.account(&deps.querier, &req.account)?;
    let debt = Uint128::new(state.cash.i128().min(0).unsigned_abs());
    if repay.checked_add(in_escrow)? > debt {
        return Err(ContractError::RepayExceedsDebt { repay, debt, in_flight: in_escrow });
    }
    // The engine checks the debt after settlement, that the account is liquidatable, the
    // position's owner and usable amount, and prices the collateral.
    let position =
        CollateralPosition { account: &req.account, source_id: &req.source_id, owner: &req.owner, asset: &req.asset };
    let quote = engine.seize_quote(&deps.querier, &position, repay)?;

    if repay.checked_add(in_escrow)? > quote.debt {
        return Err(ContractError::RepayExceedsDebt { repay, debt: quote.debt, in_flight: in_escrow });
    }
    ACCOUNT_REPAY_IN_FLIGHT.save(deps.storage, &req.account, &in_escrow.checked_add(repay)?)?;
    let seize_id = NEXT_SEIZE_ID.may_load(deps.storage)?.unwrap_or(1);
    NEXT_SEIZE_ID.save(
        deps.storage,
        &seize_id.checked_add(1).ok_or_else(|| cosmwasm_std::StdError::generic_err("seize ids exhausted"))?,
    )?;
    SOURCES.update_state(deps.storage, &req.source_id, |s| s.in_flight = s.in_flight.saturating_add(1))?;
    ACCOUNT_IN_FLIGHT.save(deps.storage, &req.account, &open.saturating_add(1))?;
    let mut funds = FUNDS.may_load(deps.storage)?.unwrap_or_default();
    funds.escrow = funds.escrow.checked_add(repay)?;
    FUNDS.save(deps.storage, &funds)?;
    seizes().save(
        deps.storage,
        seize_id,
        &SeizeRecord {
            keeper: info.sender.clone(),
            account: req.account.clone(),
            source_id: req.source_id.clone(),
            owner: req.owner.clone(),
            asset: req.asset.clone(),
            amount: quote.amount,
            repay,
            recipient: req.recipient.clone(),
            status: SeizeStatus::InFlight,
            created_at: env.block.time,
        },
    )?;
    let reserve = engine.call(
        &EngineMsg::ReserveCollateral {
            reservation_id: seize_id,
            account: req.account.clone(),
            source_id: req.source_id.clone(),
            owner: req.owner.clone(),
            asset: req.asset.clone(),
            amount: quote.amount,
        },
        vec![],
    )?;
    let packet = IbcMsg::SendPacket {
        channel_id: channel,
        data: to_json_binary(&SeizePacket::Seize {
            seize_id,
            owner: req.owner.clone(),
            asset: req.asset.clone(),
            amount: quote.amount,
            recipient: req.recipient,
        })?,
        timeout: IbcTimeout::with_timestamp(env.block.time.plus_seconds(config.seize_timeout_seconds)),
    };
    Ok(Response::new()
        .add_message(reserve)
        .add_message(packet)
        .add_attribute("action", "seize")
        .add_attribute("seize_id", seize_id.to_string())
        .add_attribute("keeper", info.sender)
        .add_attribute("account", req.account)
        .add_attribute("source_id", req.source_id)
        .add_attribute("owner", req.owner)
        .add_attribute("asset", req.asset.to_string())
        .add_attribute("amount", quote.amount)
        .add_attribute("repay", repay)
        .add_attribute("price", quote.price.to_string()))
}
