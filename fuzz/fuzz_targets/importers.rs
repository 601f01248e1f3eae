//! Arbitrary files through every importer: Postman, Insomnia, HAR, cURL (one file), a
//! collection folder (a `collection.yaml` and a request file), and an environment file. An
//! importer may refuse (an error), never panic, hang or allocate without bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vouch::exchange::{self, Source};

fuzz_target!(|data: &[u8]| {
    let Some((&which, bytes)) = data.split_first() else {
        return;
    };
    match which % 7 {
        0 => drop(exchange::import_bytes(bytes, "fuzz", Source::Auto)),
        1 => drop(exchange::import_bytes(bytes, "fuzz", Source::Postman)),
        2 => drop(exchange::import_bytes(bytes, "fuzz", Source::Insomnia)),
        3 => drop(exchange::import_bytes(bytes, "fuzz", Source::Har)),
        4 => drop(exchange::import_bytes(bytes, "fuzz", Source::Curl)),
        5 => drop(vouch::request::Environment::from_bytes(bytes, "fuzz")),
        _ => {
            // A folder: the bytes split into collection.yaml and one request file.
            let Ok(dir) = tempfile::tempdir() else { return };
            let cut = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
            let (head, rest) = bytes.split_at(cut);
            let _ = std::fs::write(dir.path().join("collection.yaml"), head);
            let _ = std::fs::write(dir.path().join("request.yaml"), rest.get(1..).unwrap_or(&[]));
            if let Ok(mut bundle) = exchange::read_folder(dir.path()) {
                exchange::secrets::lift(&mut bundle);
                let _ = exchange::secrets::literal_credentials(&bundle);
            }
        }
    }
});
