use cosmwasm_std::Addr;
use isthmus_store::Cell;

/// The engine this lens reads, fixed at instantiation.
pub const ENGINE: Cell<Addr> = Cell::new("engine");
