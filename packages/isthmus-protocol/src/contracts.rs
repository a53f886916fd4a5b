//! Typed handles on the Isthmus contracts one contract calls in another, so that no contract
//! hand-builds another's JSON: a message is one of this crate's enums, serialized here, and a
//! query's answer is parsed into this crate's response type (docs/architecture.md, "Calls
//! between contracts").
//!
//! The shape follows cw20's `Cw20Contract`: a newtype over the address with one method per
//! call the protocol makes.

use cosmwasm_std::{to_json_binary, Addr, Binary, Coin, CustomQuery, QuerierWrapper, StdResult, Uint128, WasmMsg};
use serde::de::DeserializeOwned;

use crate::asset::AssetInfo;
use crate::{controller, engine};

/// The options engine, as the liquidation controller calls it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineContract(pub Addr);

impl EngineContract {
    /// `msg` executed on the engine with `funds` attached.
    pub fn call(&self, msg: &engine::ExecuteMsg, funds: Vec<Coin>) -> StdResult<WasmMsg> {
        Ok(self.call_encoded(Self::encode(msg)?, funds))
    }

    /// The bytes [`EngineContract::call`] sends for `msg`.
    pub fn encode(msg: &engine::ExecuteMsg) -> StdResult<Binary> {
        to_json_binary(msg)
    }

    /// A message built earlier by [`EngineContract::call`] and kept as its bytes (a failed
    /// engine call recorded for its replay), executed again unchanged.
    pub fn call_encoded(&self, msg: Binary, funds: Vec<Coin>) -> WasmMsg {
        WasmMsg::Execute { contract_addr: self.0.to_string(), msg, funds }
    }

    /// The account's cash, positions and claim.
    pub fn account<C: CustomQuery>(
        &self,
        querier: &QuerierWrapper<C>,
        account: &str,
    ) -> StdResult<engine::AccountResponse> {
        self.query(querier, &engine::QueryMsg::Account { account: account.to_string() })
    }

    /// What repaying `repay` of `account`'s debt buys in one collateral position.
    pub fn seize_quote<C: CustomQuery>(
        &self,
        querier: &QuerierWrapper<C>,
        position: &CollateralPosition,
        repay: Uint128,
    ) -> StdResult<engine::SeizeQuoteResponse> {
        self.query(
            querier,
            &engine::QueryMsg::SeizeQuote {
                account: position.account.to_string(),
                source_id: position.source_id.to_string(),
                owner: position.owner.to_string(),
                asset: position.asset.clone(),
                repay,
            },
        )
    }

    fn query<C: CustomQuery, T: DeserializeOwned>(
        &self,
        querier: &QuerierWrapper<C>,
        msg: &engine::QueryMsg,
    ) -> StdResult<T> {
        querier.query_wasm_smart(&self.0, msg)
    }
}

/// The liquidation controller, as the engine calls it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControllerContract(pub Addr);

impl ControllerContract {
    /// `msg` executed on the controller with `funds` attached.
    pub fn call(&self, msg: &controller::ExecuteMsg, funds: Vec<Coin>) -> StdResult<WasmMsg> {
        Ok(WasmMsg::Execute { contract_addr: self.0.to_string(), msg: to_json_binary(msg)?, funds })
    }
}

/// One collateral position backing an account, as a seize names it: `owner`'s `asset` in the
/// vault of `source_id`.
#[derive(Clone, Copy, Debug)]
pub struct CollateralPosition<'a> {
    pub account: &'a str,
    pub source_id: &'a str,
    pub owner: &'a str,
    pub asset: &'a AssetInfo,
}

#[cfg(test)]
mod tests {
    use cosmwasm_std::testing::MockQuerier;
    use cosmwasm_std::{from_json, Int128, QuerierWrapper, SystemError, SystemResult, Uint128, WasmMsg, WasmQuery};

    use super::*;

    fn engine() -> EngineContract {
        EngineContract(Addr::unchecked("engine"))
    }

    #[test]
    fn a_call_carries_the_shared_message_and_the_funds() {
        let msg = engine::ExecuteMsg::AbsorbDebt { account: "alice".to_string() };
        let funds = vec![Coin::new(5u128, "uusdc")];
        let WasmMsg::Execute { contract_addr, msg: bytes, funds: sent } = engine().call(&msg, funds.clone()).unwrap()
        else {
            panic!("not an execute")
        };
        assert_eq!((contract_addr.as_str(), sent), ("engine", funds));
        assert_eq!(from_json::<engine::ExecuteMsg>(&bytes).unwrap(), msg);
        // A recorded call replays the very bytes.
        assert_eq!(
            engine().call_encoded(bytes.clone(), vec![]),
            WasmMsg::Execute { contract_addr, msg: bytes, funds: vec![] }
        );

        let deposit = controller::ExecuteMsg::DepositInsurance {};
        let WasmMsg::Execute { contract_addr, msg: bytes, .. } =
            ControllerContract(Addr::unchecked("controller")).call(&deposit, vec![]).unwrap()
        else {
            panic!("not an execute")
        };
        assert_eq!(contract_addr, "controller");
        assert_eq!(from_json::<controller::ExecuteMsg>(&bytes).unwrap(), deposit);
    }

    #[test]
    fn a_query_asks_the_engine_and_parses_its_answer() {
        let mut querier: MockQuerier = MockQuerier::new(&[]);
        querier.update_wasm(|query| match query {
            WasmQuery::Smart { contract_addr, msg } if contract_addr == "engine" => {
                match from_json::<engine::QueryMsg>(msg).unwrap() {
                    engine::QueryMsg::Account { account } => SystemResult::Ok(
                        to_json_binary(&engine::AccountResponse {
                            account,
                            cash: Int128::new(-70),
                            claim: Uint128::zero(),
                            positions: vec![],
                        })
                        .into(),
                    ),
                    engine::QueryMsg::SeizeQuote { repay, asset, owner, .. } => SystemResult::Ok(
                        to_json_binary(&engine::SeizeQuoteResponse {
                            amount: repay.checked_mul(Uint128::new(2)).unwrap(),
                            debt: Uint128::new(70),
                            price: cosmwasm_std::Decimal::percent(50),
                            // Echo what was asked, so the test sees the request's fields.
                            usable: Uint128::new(u128::from(
                                owner == "bob" && asset == AssetInfo::Native("uatom".into()),
                            )),
                        })
                        .into(),
                    ),
                    other => panic!("unexpected {other:?}"),
                }
            }
            other => SystemResult::Err(SystemError::NoSuchContract { addr: format!("{other:?}") }),
        });
        let querier = QuerierWrapper::<cosmwasm_std::Empty>::new(&querier);
        let account = engine().account(&querier, "alice").unwrap();
        assert_eq!((account.account.as_str(), account.cash), ("alice", Int128::new(-70)));
        let asset = AssetInfo::Native("uatom".to_string());
        let position = CollateralPosition { account: "alice", source_id: "src", owner: "bob", asset: &asset };
        let quote = engine().seize_quote(&querier, &position, Uint128::new(30)).unwrap();
        assert_eq!((quote.amount, quote.debt, quote.usable), (Uint128::new(60), Uint128::new(70), Uint128::one()));
        // Another address is not the engine.
        let elsewhere = EngineContract(Addr::unchecked("vault"));
        assert!(elsewhere.account(&querier, "alice").is_err());
    }
}
