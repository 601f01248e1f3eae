//! Every integration test of the engine and the CLI, in one binary (a module per behaviour).

mod bad_input;
mod check_cli;
mod code_shape;
mod contract_services;
mod corpus;
mod exchange;
mod fastapi_spec;
mod fuzz;
mod inspect_cli;
mod keychain;
mod linked;
mod load_cli;
mod metaschemas;
mod mock;
mod one_engine;
mod prism;
mod run_cli;
mod sending;
mod shared;
mod store;
mod suites;
mod url_loading;
mod util;
mod workbench;
mod workbench_mock;
