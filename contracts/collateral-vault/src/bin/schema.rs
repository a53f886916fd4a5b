use cosmwasm_schema::{export_schema, schema_for, write_api};
use isthmus_protocol::vault::{Cw20HookMsg, ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

fn main() {
    write_api! {
        instantiate: InstantiateMsg,
        execute: ExecuteMsg,
        query: QueryMsg,
        migrate: MigrateMsg,
    }
    // The message a cw20 `Send` to the vault carries (base64 JSON in `msg`): not an entry
    // point of its own, so `write_api!` leaves it out; clients need its schema all the same.
    export_schema(&schema_for!(Cw20HookMsg), std::path::Path::new("schema/raw"));
}
