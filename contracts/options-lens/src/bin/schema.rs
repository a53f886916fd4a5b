use cosmwasm_schema::write_api;
use isthmus_protocol::lens::{InstantiateMsg, MigrateMsg, QueryMsg};

fn main() {
    write_api! {
        instantiate: InstantiateMsg,
        query: QueryMsg,
        migrate: MigrateMsg,
    }
}
