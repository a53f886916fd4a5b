//! The bank of a bench chain: cw-multi-test's `BankKeeper` plus a denylist, as a regulated
//! stablecoin's issuer keeps one (a send to or from a listed address fails). A test lists an
//! address to make a transfer fail where a contract must survive that failure.
//!
//! Its errors carry the SDK's codes (`abci.rs`), so that a failed send reaches a `reply`
//! redacted as on wasmd. cw-multi-test routes the `transfer` port to the bank module, so the
//! bank's IBC hooks are the chain's ICS-20 module (`ics20.rs`).

use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};

use cosmwasm_std::{
    Addr, Api, BankMsg, BankQuery, Binary, BlockInfo, CustomMsg, CustomQuery, IbcChannelCloseMsg, IbcChannelConnectMsg,
    IbcChannelOpenMsg, IbcChannelOpenResponse, IbcPacketAckMsg, IbcPacketReceiveMsg, IbcPacketTimeoutMsg, Querier,
    StdError, Storage,
};
use cw_multi_test::error::AnyResult;
use cw_multi_test::ibc::types::{AppIbcBasicResponse, AppIbcReceiveResponse};
use cw_multi_test::{AppResponse, Bank, BankKeeper, BankSudo, CosmosRouter, Module};
use serde::de::DeserializeOwned;

use crate::abci::AbciError;
use crate::ics20;

/// Addresses the bank refuses to send to or from; shared between the chain and the test.
pub type Denylist = Arc<RwLock<BTreeSet<String>>>;

#[derive(Default)]
pub struct DenylistBank {
    inner: BankKeeper,
    denied: Denylist,
}

impl DenylistBank {
    pub fn new(denied: Denylist) -> Self {
        DenylistBank { inner: BankKeeper::new(), denied }
    }

    fn is_denied(&self, addr: &str) -> bool {
        self.denied.read().map(|d| d.contains(addr)).unwrap_or(false)
    }

    /// The error a send to or from `addr` fails with, if `addr` is listed.
    fn refusal(&self, addr: &str) -> Option<AbciError> {
        self.is_denied(addr).then(|| AbciError::unauthorized(format!("bank: {addr} is on the denylist")))
    }
}

impl Bank for DenylistBank {}

impl Module for DenylistBank {
    type ExecT = BankMsg;
    type QueryT = BankQuery;
    type SudoT = BankSudo;

    fn execute<ExecC, QueryC>(
        &self,
        api: &dyn Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
        sender: Addr,
        msg: BankMsg,
    ) -> AnyResult<AppResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        if let BankMsg::Send { to_address, .. } = &msg {
            for addr in [sender.as_str(), to_address.as_str()] {
                if let Some(refusal) = self.refusal(addr) {
                    return Err(refusal.into());
                }
            }
        }
        let description = format!("{msg:?}");
        self.inner.execute(api, storage, router, block, sender, msg).map_err(|err| {
            // A send beyond the balance: the SDK's `ErrInsufficientFunds`.
            match err.downcast_ref::<StdError>() {
                Some(StdError::Overflow { .. }) => {
                    AbciError::insufficient_funds(format!("{description}: {err}")).into()
                }
                _ => err,
            }
        })
    }

    fn query(
        &self,
        api: &dyn Api,
        storage: &dyn Storage,
        querier: &dyn Querier,
        block: &BlockInfo,
        request: BankQuery,
    ) -> AnyResult<Binary> {
        self.inner.query(api, storage, querier, block, request)
    }

    fn sudo<ExecC, QueryC>(
        &self,
        api: &dyn Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
        msg: BankSudo,
    ) -> AnyResult<AppResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        self.inner.sudo(api, storage, router, block, msg)
    }

    fn ibc_channel_open<ExecC, QueryC>(
        &self,
        _api: &dyn Api,
        _storage: &mut dyn Storage,
        _router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        _block: &BlockInfo,
        request: IbcChannelOpenMsg,
    ) -> AnyResult<IbcChannelOpenResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        ics20::on_channel_open(request)
    }

    fn ibc_channel_connect<ExecC, QueryC>(
        &self,
        _api: &dyn Api,
        storage: &mut dyn Storage,
        _router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        _block: &BlockInfo,
        request: IbcChannelConnectMsg,
    ) -> AnyResult<AppIbcBasicResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        ics20::on_channel_connect(storage, request)
    }

    fn ibc_channel_close<ExecC, QueryC>(
        &self,
        _api: &dyn Api,
        storage: &mut dyn Storage,
        _router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        _block: &BlockInfo,
        request: IbcChannelCloseMsg,
    ) -> AnyResult<AppIbcBasicResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        ics20::on_channel_close(storage, request)
    }

    fn ibc_packet_receive<ExecC, QueryC>(
        &self,
        api: &dyn Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
        request: IbcPacketReceiveMsg,
    ) -> AnyResult<AppIbcReceiveResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        ics20::on_recv(api, storage, router, block, request, |addr| self.refusal(addr))
    }

    fn ibc_packet_acknowledge<ExecC, QueryC>(
        &self,
        api: &dyn Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
        request: IbcPacketAckMsg,
    ) -> AnyResult<AppIbcBasicResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        ics20::on_ack(api, storage, router, block, request)
    }

    fn ibc_packet_timeout<ExecC, QueryC>(
        &self,
        api: &dyn Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
        request: IbcPacketTimeoutMsg,
    ) -> AnyResult<AppIbcBasicResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        ics20::on_timeout(api, storage, router, block, request)
    }
}
