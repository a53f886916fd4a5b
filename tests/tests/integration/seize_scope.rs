//! A keeper seizes only collateral the account counts: a stranger who bound a position to
//! the account never authorized it, so it backs nothing and cannot be taken.

use cosmwasm_std::{coin, Uint128};
use cw_multi_test::{BankSudo, SudoMsg};
use isthmus_ibc_bench::Side;
use isthmus_protocol::controller::ExecuteMsg as ControllerMsg;
use isthmus_protocol::engine;
use isthmus_protocol::packet::SeizeRecipient;
use isthmus_tests::suite::{ATOM, USDC};
use isthmus_tests::{Suite, SuiteBuilder};
use options_engine::ContractError;

#[test]
fn a_keeper_cannot_seize_from_an_owner_the_account_never_authorized() {
    let mut suite = SuiteBuilder::new().with_controller().build().unwrap();
    suite.crash().unwrap();
    let account = suite.target_user("alice").to_string();
    suite.engine_as("keeper", &engine::ExecuteMsg::Liquidate { account: account.clone() }, &[]).unwrap();
    // A stranger binds 50 ATOM to alice's account.
    suite.extra_owners.push("mallory".into());
    let mallory = suite.user("mallory");
    suite.chains.sources[0]
        .chain
        .sudo(SudoMsg::Bank(BankSudo::Mint { to_address: mallory.to_string(), amount: vec![coin(50_000_000, ATOM)] }))
        .unwrap();
    let alice_account = suite.account("alice");
    suite.deposit_native(&mallory, &alice_account, None, coin(50_000_000, ATOM)).unwrap();
    suite.resolve_all_and_check().unwrap();
    suite.check_all().unwrap();

    let expected = ContractError::OwnerNotCounted {
        account: account.clone(),
        source_id: "cosmoshub".into(),
        owner: mallory.to_string(),
    };
    let quote: Result<engine::SeizeQuoteResponse, _> = suite.chains.target.wrap().query_wasm_smart(
        &suite.engine,
        &engine::QueryMsg::SeizeQuote {
            account: account.clone(),
            source_id: "cosmoshub".into(),
            owner: mallory.to_string(),
            asset: Suite::atom(),
            repay: Uint128::new(1_000_000),
        },
    );
    let err = quote.unwrap_err().to_string();
    assert!(err.ends_with(&expected.to_string()), "{err}");

    let keeper_usdc = suite.native_balance(Side::Target, &suite.target_user("keeper"), USDC).unwrap();
    let seize = ControllerMsg::Seize {
        account,
        source_id: "cosmoshub".into(),
        owner: mallory.to_string(),
        asset: Suite::atom(),
        recipient: SeizeRecipient::Local { address: suite.user("keeper").to_string() },
    };
    let err = suite.controller_as("keeper", &seize, &[coin(1_000_000, USDC)]).unwrap_err();
    assert!(format!("{err:#}").ends_with(&expected.to_string()), "{err:#}");
    assert_eq!(suite.native_balance(Side::Target, &suite.target_user("keeper"), USDC).unwrap(), keeper_usdc);
    assert_eq!(suite.vault_position("mallory", &Suite::atom()).unwrap().available.u128(), 50_000_000);
    suite.resolve_all_and_check().unwrap();
    suite.check_all().unwrap();
}
