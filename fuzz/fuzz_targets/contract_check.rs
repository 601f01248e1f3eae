//! Arbitrary responses (status, content type, header, body bytes) checked against the FastAPI
//! template spec and Stripe's customer list: findings or notes, never a panic.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use vouch::contract::{Contract, ResponseParts};
use vouch::spec::{LoadOptions, OperationDetail, Spec};

fn setup() -> &'static (Contract, Vec<OperationDetail>) {
    static C: OnceLock<(Contract, Vec<OperationDetail>)> = OnceLock::new();
    C.get_or_init(|| {
        let corpus = std::env::var("VOUCH_CORPUS").unwrap_or_else(|_| "../../shared/corpus".into());
        let path = format!("{corpus}/specs/fastapi/full-stack-fastapi-template.openapi.json");
        let bytes = std::fs::read(&path).expect("the FastAPI template spec");
        let spec = Spec::from_bytes(&bytes, Some("fastapi"), &LoadOptions::default()).expect("spec");
        let ops = spec.operations().iter().map(|o| spec.resolve(o)).collect();
        (Contract::new(Arc::new(spec)), ops)
    })
}

fuzz_target!(|data: &[u8]| {
    let (contract, ops) = setup();
    if data.len() < 4 {
        return;
    }
    let op = &ops[data[0] as usize % ops.len()];
    let status = [200u16, 201, 204, 404, 422, 500][data[1] as usize % 6];
    let ct = ["application/json", "text/plain", "application/json; charset=utf-8", "*/*"][data[2] as usize % 4];
    let headers = vec![("content-type".to_string(), ct.to_string())];
    let parts = ResponseParts { method: "GET", status, headers: &headers, body: &data[3..], truncated: false };
    let _ = contract.check_response(op, &parts);
});
