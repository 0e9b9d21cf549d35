#![allow(dead_code)]
pub mod json;
pub mod shape;
