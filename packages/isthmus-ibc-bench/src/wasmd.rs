//! What a contract sees in a `reply` on wasmd, where cw-multi-test differs.
//!
//! A `reply_on_error` sub-message that fails reaches the contract's `reply` as
//! `SubMsgResult::Err(text)`. cw-multi-test 2.2.4 puts the whole error chain there
//! (`format!("{:?}", err)` in `WasmKeeper::execute_submsg`, with no hook to change it); wasmd
//! v0.70 keeps only what is deterministic (`redactError` in `x/wasm/keeper/msg_dispatcher.go`):
//!
//! * a contract called by a `WasmMsg` that returned its own error: the error text with
//!   `: execute wasm contract failed` appended (`ErrExecuteFailed`, marked deterministic);
//! * any other failure (a bank send, an ICS-20 `MsgTransfer`, a module error inside a called
//!   contract's messages): `codespace: <module>, code: <n>` and nothing else.
//!
//! [`WasmdReplies`] wraps a contract and rewrites the text before the contract's `reply` sees it,
//! so the fast tests run contract code on what wasmd would give it. The bench's modules fail
//! with tagged [`AbciError`](crate::abci::AbciError)s that carry their codes; an error without a
//! tag that is not a contract's own becomes `codespace: undefined, code: 1`, which is what the
//! SDK reports for an error it has no code for.

use cosmwasm_std::{
    Binary, Checksum, CustomMsg, CustomQuery, Deps, DepsMut, Empty, Env, IbcBasicResponse, IbcChannelCloseMsg,
    IbcChannelConnectMsg, IbcChannelOpenMsg, IbcChannelOpenResponse, IbcPacketAckMsg, IbcPacketReceiveMsg,
    IbcPacketTimeoutMsg, IbcReceiveResponse, IbcSourceCallbackMsg, MessageInfo, Reply, Response, SubMsgResult,
};
use cw_multi_test::error::AnyResult;
use cw_multi_test::Contract;

use crate::abci::{find_tag, redacted};

/// The context cw-multi-test's `WasmKeeper` puts around every failed `WasmMsg`.
const WASM_MSG_CONTEXT: &str = "Error executing WasmMsg";
/// wasmd's `ErrExecuteFailed` text, appended to a called contract's own error.
const EXECUTE_FAILED: &str = "execute wasm contract failed";

/// What wasmd would put in `SubMsgResult::Err` for a failure that cw-multi-test describes as
/// `debug_text` (the `{:?}` of its error chain).
pub fn wasmd_sub_message_error(debug_text: &str) -> String {
    // `anyhow` appends a backtrace when RUST_BACKTRACE or RUST_LIB_BACKTRACE is set.
    let debug_text = debug_text.split("\n\nStack backtrace:").next().unwrap_or_default();
    if let Some((codespace, code)) = find_tag(debug_text) {
        return redacted(&codespace, code);
    }
    if debug_text.starts_with(WASM_MSG_CONTEXT) {
        if let Some(cause) = first_cause(debug_text) {
            return format!("{cause}: {EXECUTE_FAILED}");
        }
    }
    redacted("undefined", 1)
}

/// The first cause of an `anyhow` error chain printed with `{:?}`: the line(s) after
/// `Caused by:` (a single cause indented by four spaces, several numbered `0: `, `1: `, …).
fn first_cause(debug_text: &str) -> Option<String> {
    let (_, causes) = debug_text.split_once("\n\nCaused by:\n")?;
    let mut lines = causes.lines();
    let first = lines.next()?.trim_start();
    if let Some(numbered) = first.strip_prefix("0: ") {
        let rest: Vec<&str> =
            lines.take_while(|l| !l.trim_start().starts_with("1: ")).map(|l| l.trim_start()).collect();
        return Some(std::iter::once(numbered).chain(rest).collect::<Vec<_>>().join("\n"));
    }
    Some(std::iter::once(first).chain(lines.map(|l| l.trim_start())).collect::<Vec<_>>().join("\n"))
}

/// A contract whose `reply` sees sub-message errors as wasmd reports them (see the module
/// doc); every other entry point is the wrapped contract's.
pub struct WasmdReplies<C: CustomMsg = Empty, Q: CustomQuery = Empty> {
    inner: Box<dyn Contract<C, Q>>,
}

impl<C: CustomMsg, Q: CustomQuery> WasmdReplies<C, Q> {
    pub fn new(inner: Box<dyn Contract<C, Q>>) -> Self {
        WasmdReplies { inner }
    }
}

/// `contract`, with wasmd's sub-message error redaction in front of its `reply`.
pub fn wasmd_replies(contract: Box<dyn Contract<Empty>>) -> Box<dyn Contract<Empty>> {
    Box::new(WasmdReplies::new(contract))
}

#[rustfmt::skip]
impl<C: CustomMsg, Q: CustomQuery> Contract<C, Q> for WasmdReplies<C, Q> {
    fn execute(&self, deps: DepsMut<Q>, env: Env, info: MessageInfo, msg: Vec<u8>) -> AnyResult<Response<C>> {
        self.inner.execute(deps, env, info, msg)
    }

    fn instantiate(&self, deps: DepsMut<Q>, env: Env, info: MessageInfo, msg: Vec<u8>) -> AnyResult<Response<C>> {
        self.inner.instantiate(deps, env, info, msg)
    }

    fn query(&self, deps: Deps<Q>, env: Env, msg: Vec<u8>) -> AnyResult<Binary> {
        self.inner.query(deps, env, msg)
    }

    fn sudo(&self, deps: DepsMut<Q>, env: Env, msg: Vec<u8>) -> AnyResult<Response<C>> {
        self.inner.sudo(deps, env, msg)
    }

    fn reply(&self, deps: DepsMut<Q>, env: Env, mut msg: Reply) -> AnyResult<Response<C>> {
        if let SubMsgResult::Err(text) = &msg.result {
            msg.result = SubMsgResult::Err(wasmd_sub_message_error(text));
        }
        self.inner.reply(deps, env, msg)
    }

    fn migrate(&self, deps: DepsMut<Q>, env: Env, msg: Vec<u8>) -> AnyResult<Response<C>> {
        self.inner.migrate(deps, env, msg)
    }

    fn checksum(&self) -> Option<Checksum> {
        self.inner.checksum()
    }

    fn ibc_channel_open(&self, deps: DepsMut<Q>, env: Env, msg: IbcChannelOpenMsg) -> AnyResult<IbcChannelOpenResponse> {
        self.inner.ibc_channel_open(deps, env, msg)
    }

    fn ibc_channel_connect(&self, deps: DepsMut<Q>, env: Env, msg: IbcChannelConnectMsg) -> AnyResult<IbcBasicResponse<C>> {
        self.inner.ibc_channel_connect(deps, env, msg)
    }

    fn ibc_channel_close(&self, deps: DepsMut<Q>, env: Env, msg: IbcChannelCloseMsg) -> AnyResult<IbcBasicResponse<C>> {
        self.inner.ibc_channel_close(deps, env, msg)
    }

    fn ibc_packet_receive(&self, deps: DepsMut<Q>, env: Env, msg: IbcPacketReceiveMsg) -> AnyResult<IbcReceiveResponse<C>> {
        self.inner.ibc_packet_receive(deps, env, msg)
    }

    fn ibc_packet_acknowledge(&self, deps: DepsMut<Q>, env: Env, msg: IbcPacketAckMsg) -> AnyResult<IbcBasicResponse<C>> {
        self.inner.ibc_packet_acknowledge(deps, env, msg)
    }

    fn ibc_packet_timeout(&self, deps: DepsMut<Q>, env: Env, msg: IbcPacketTimeoutMsg) -> AnyResult<IbcBasicResponse<C>> {
        self.inner.ibc_packet_timeout(deps, env, msg)
    }

    fn ibc_source_callback(&self, deps: DepsMut<Q>, env: Env, msg: IbcSourceCallbackMsg) -> AnyResult<IbcBasicResponse<C>> {
        self.inner.ibc_source_callback(deps, env, msg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contracts_own_error_keeps_its_text() {
        let one =
            "Error executing WasmMsg:\n  sender: a\n  Execute { }\n\nCaused by:\n    insufficient usable collateral";
        assert_eq!(wasmd_sub_message_error(one), "insufficient usable collateral: execute wasm contract failed");
        let two = "Error executing WasmMsg:\n  sender: a\n\nCaused by:\n    0: Overflow: Cannot Sub\n    1: Cannot Sub";
        assert_eq!(wasmd_sub_message_error(two), "Overflow: Cannot Sub: execute wasm contract failed");
        let traced =
            format!("{one}\n\nStack backtrace:\n  0: anyhow::kind::Adhoc::new\n  1: [codespace: sdk, code: 5]");
        assert_eq!(wasmd_sub_message_error(&traced), "insufficient usable collateral: execute wasm contract failed");
    }

    #[test]
    fn a_module_error_is_redacted() {
        assert_eq!(
            wasmd_sub_message_error("counterparty not found for client: channel-9 [codespace: clientv2, code: 35]"),
            "codespace: clientv2, code: 35"
        );
        assert_eq!(wasmd_sub_message_error("something untagged"), "codespace: undefined, code: 1");
    }
}
