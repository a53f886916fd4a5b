pub mod admin;
pub mod reservations;
pub mod sources;
