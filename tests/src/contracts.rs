//! The contracts as cw-multi-test wrappers, with their real IBC entry points. Every contract's
//! `reply` sees a failed sub-message's error as wasmd reports it (redacted to the module's
//! codespace and code; `isthmus_ibc_bench::wasmd`), not cw-multi-test's full error chain.

use cosmwasm_std::Empty;
use cw_multi_test::{Contract, ContractWrapper};
use isthmus_ibc_bench::wasmd_replies;

pub fn collateral_vault() -> Box<dyn Contract<Empty>> {
    use collateral_vault::contract as c;
    wasmd_replies(Box::new(
        ContractWrapper::new(c::execute, c::instantiate, c::query)
            .with_reply(c::reply)
            .with_migrate(c::migrate)
            .with_ibc(
                c::ibc_channel_open,
                c::ibc_channel_connect,
                c::ibc_channel_close,
                c::ibc_packet_receive,
                c::ibc_packet_ack,
                c::ibc_packet_timeout,
            )
            .with_ibc_source_callback(c::ibc_source_callback),
    ))
}

pub fn options_engine() -> Box<dyn Contract<Empty>> {
    use options_engine::contract as c;
    wasmd_replies(Box::new(
        ContractWrapper::new(c::execute, c::instantiate, c::query).with_migrate(c::migrate).with_ibc(
            c::ibc_channel_open,
            c::ibc_channel_connect,
            c::ibc_channel_close,
            c::ibc_packet_receive,
            c::ibc_packet_ack,
            c::ibc_packet_timeout,
        ),
    ))
}

/// The lens: views of the engine's state (no execute, no IBC).
pub fn options_lens() -> Box<dyn Contract<Empty>> {
    use options_lens::contract as c;
    Box::new(ContractWrapper::new(no_execute, c::instantiate, c::query).with_migrate(c::migrate))
}

fn no_execute(
    _deps: cosmwasm_std::DepsMut,
    _env: cosmwasm_std::Env,
    _info: cosmwasm_std::MessageInfo,
    _msg: Empty,
) -> cosmwasm_std::StdResult<cosmwasm_std::Response> {
    Err(cosmwasm_std::StdError::generic_err("the lens has no execute messages"))
}

pub fn liquidation_controller() -> Box<dyn Contract<Empty>> {
    use liquidation_controller::contract as c;
    wasmd_replies(Box::new(
        ContractWrapper::new(c::execute, c::instantiate, c::query)
            .with_reply(c::reply)
            .with_migrate(c::migrate)
            .with_ibc(
                c::ibc_channel_open,
                c::ibc_channel_connect,
                c::ibc_channel_close,
                c::ibc_packet_receive,
                c::ibc_packet_ack,
                c::ibc_packet_timeout,
            ),
    ))
}

pub fn cw20_token() -> Box<dyn Contract<Empty>> {
    use cw20_base::contract as c;
    wasmd_replies(Box::new(ContractWrapper::new(c::execute, c::instantiate, c::query)))
}

pub fn seize_injector() -> Box<dyn Contract<Empty>> {
    use crate::seize_injector as c;
    wasmd_replies(Box::new(ContractWrapper::new(c::execute, c::instantiate, c::query).with_ibc(
        c::ibc_channel_open,
        c::ibc_channel_connect,
        c::ibc_channel_close,
        c::ibc_packet_receive,
        c::ibc_packet_ack,
        c::ibc_packet_timeout,
    )))
}
