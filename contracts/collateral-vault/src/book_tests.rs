//! The position book's indexes (compact storage, docs/storage.md): the account index follows
//! each position's account, the owner index each pending withdrawal, and the views that page
//! through them find exactly what the books hold.

use cosmwasm_std::testing::{mock_dependencies, mock_env};
use cosmwasm_std::{from_json, Timestamp, Uint128};
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::vault::{AssetSettings, PendingWithdrawalsResponse, PositionsResponse, QueryMsg};

use super::{apply, Change};
use crate::state::{
    close_withdrawal, open_withdrawal, AssetState, PendingWithdrawal, ASSETS, POSITIONS, POSITIONS_BY_ACCOUNT,
};

fn asset(denom: &str) -> AssetInfo {
    AssetInfo::Native(denom.into())
}

fn accept(storage: &mut dyn cosmwasm_std::Storage, denom: &str) {
    let settings = AssetSettings { asset: asset(denom), deposit_cap: Uint128::new(1_000_000), enabled: true };
    ASSETS.save(storage, &asset(denom).key(), &AssetState { settings, total: Uint128::zero() }).unwrap();
}

fn by_account(
    deps: cosmwasm_std::Deps,
    account: &str,
    start_after: Option<(String, AssetInfo)>,
) -> Vec<(String, String)> {
    let msg = QueryMsg::PositionsByAccount { account: account.into(), start_after, limit: Some(1) };
    let page: PositionsResponse = from_json(crate::query::query(deps, mock_env(), msg).unwrap()).unwrap();
    page.positions.into_iter().map(|p| (p.owner, p.asset.to_string())).collect()
}

#[test]
fn the_account_index_follows_each_position_and_pages_one_by_one() {
    let mut deps = mock_dependencies();
    accept(&mut deps.storage, "uatom");
    accept(&mut deps.storage, "uosmo");
    let (alice, bob) = (deps.api.addr_make("alice"), deps.api.addr_make("bob"));
    let (a, b) = (alice.to_string(), bob.to_string());
    let (atom, osmo) = (asset("uatom").to_string(), asset("uosmo").to_string());
    apply(&mut deps.storage, &alice, &asset("uatom"), Some("acct1"), Change::Deposit(Uint128::new(5))).unwrap();
    apply(&mut deps.storage, &alice, &asset("uosmo"), Some("acct1"), Change::Deposit(Uint128::new(7))).unwrap();
    apply(&mut deps.storage, &bob, &asset("uatom"), Some("acct2"), Change::Deposit(Uint128::new(9))).unwrap();

    // Paged one at a time, each page starting after the last one's key.
    let first = by_account(deps.as_ref(), "acct1", None);
    assert_eq!(first, vec![(a.clone(), atom.clone())]);
    let second = by_account(deps.as_ref(), "acct1", Some((a.clone(), asset("uatom"))));
    assert_eq!(second, vec![(a.clone(), osmo)]);
    assert!(by_account(deps.as_ref(), "acct1", Some((a.clone(), asset("uosmo")))).is_empty());
    assert_eq!(by_account(deps.as_ref(), "acct2", None), vec![(b.clone(), atom.clone())]);

    // Bob empties his position and rebinds to acct3 with a new deposit: his row moves.
    apply(&mut deps.storage, &bob, &asset("uatom"), None, Change::Seized(Uint128::new(9))).unwrap();
    apply(&mut deps.storage, &bob, &asset("uatom"), Some("acct3"), Change::Deposit(Uint128::new(2))).unwrap();
    assert!(by_account(deps.as_ref(), "acct2", None).is_empty());
    assert_eq!(by_account(deps.as_ref(), "acct3", None), vec![(b, atom)]);
    let bob_atom = POSITIONS.load(&deps.storage, (&bob, asset("uatom").key().as_str())).unwrap();
    assert_eq!((bob_atom.account.as_str(), bob_atom.available.u128(), bob_atom.seq), ("acct3", 2, 3));
    // One index row per position, none left behind.
    let rows = POSITIONS_BY_ACCOUNT.keys(&deps.storage, None, None, cosmwasm_std::Order::Ascending).count();
    assert_eq!(rows, 3);
}

#[test]
fn the_owner_index_holds_exactly_the_pending_withdrawals() {
    let mut deps = mock_dependencies();
    let api = deps.api;
    let pending = |request_id: u64, owner: &str| PendingWithdrawal {
        request_id,
        owner: api.addr_make(owner),
        asset: asset("uatom"),
        amount: Uint128::new(request_id.into()),
        channel_id: "channel-0".into(),
        requested_at: Timestamp::from_seconds(request_id),
    };
    for (id, owner) in [(1, "alice"), (2, "bob"), (3, "alice")] {
        open_withdrawal(&mut deps.storage, &pending(id, owner)).unwrap();
    }
    close_withdrawal(&mut deps.storage, &pending(1, "alice"));
    let query = |owner: Option<&str>| -> Vec<u64> {
        let owner = owner.map(|o| api.addr_make(o).to_string());
        let msg = QueryMsg::PendingWithdrawals { owner, start_after: None, limit: None };
        let page: PendingWithdrawalsResponse =
            from_json(crate::query::query(deps.as_ref(), mock_env(), msg).unwrap()).unwrap();
        page.withdrawals.into_iter().map(|w| w.request_id).collect()
    };
    assert_eq!(query(Some("alice")), vec![3]);
    assert_eq!(query(Some("bob")), vec![2]);
    assert_eq!(query(None), vec![2, 3]);
}

/// Golden bytes of a position (written by every deposit, withdrawal and seize): its fields in
/// the order of its `codec_struct!` line, each with a distinct value.
#[test]
fn the_position_layout_is_pinned() {
    let position = crate::state::Position {
        owner: cosmwasm_std::Addr::unchecked("o"),
        account: "a".into(),
        asset: asset("d"),
        available: Uint128::new(5),
        pending: Uint128::new(6),
        seq: 7,
    };
    assert_eq!(isthmus_store::encode(&position), vec![1, b'o', 1, b'a', 0, 1, b'd', 5, 6, 7]);
    assert_eq!(isthmus_store::decode::<crate::state::Position>(&isthmus_store::encode(&position)).unwrap(), position);
}
