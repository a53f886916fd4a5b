pub mod admin;
pub mod insurance;
pub mod seize;
