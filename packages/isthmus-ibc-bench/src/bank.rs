//! The bank of a bench chain: cw-multi-test's `BankKeeper` plus a denylist, as a regulated
//! stablecoin's issuer keeps one (a send to or from a listed address fails). A test lists an
//! address to make a transfer fail where a contract must survive that failure.

use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};

use anyhow::bail;
use cosmwasm_std::{Addr, Api, BankMsg, BankQuery, Binary, BlockInfo, CustomMsg, CustomQuery, Querier, Storage};
use cw_multi_test::error::AnyResult;
use cw_multi_test::{AppResponse, Bank, BankKeeper, BankSudo, CosmosRouter, Module};
use serde::de::DeserializeOwned;

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
                if self.is_denied(addr) {
                    bail!("bank: {addr} is on the denylist");
                }
            }
        }
        self.inner.execute(api, storage, router, block, sender, msg)
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
}
