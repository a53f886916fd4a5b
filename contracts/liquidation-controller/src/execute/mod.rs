pub mod admin;
pub mod insurance;
pub mod refund;
pub mod retry;
pub mod seize;
