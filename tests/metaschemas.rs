//! The meta-schemas shipped in the engine are the corpus's official copies, byte for byte.

use crate::util::corpus;

#[test]
fn shipped_metaschemas_match_the_official_copies() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/spec/metaschema");
    let official = corpus().join("specs/oai-metaschemas");
    for (ours, theirs) in [
        ("v2.0-schema.json", "v2.0-schema.json"),
        ("v3.0-schema.yaml", "v3.0/schema.yaml"),
        ("v3.1-schema.yaml", "v3.1/schema.yaml"),
    ] {
        let a = std::fs::read(root.join(ours)).expect("shipped copy");
        let b = std::fs::read(official.join(theirs)).expect("official copy");
        assert!(a == b, "{ours} differs from corpus {theirs}");
    }
}
