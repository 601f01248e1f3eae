//! 3.1 documents (FastAPI's output, the OAI examples) load with their schemas intact; 3.0
//! and Swagger 2.0 arrive in the same model.

use serde_json::{json, Value};
use vouch::spec::{Dialect, LoadOptions, Loc, ParamLocation, Spec, StatusKey};

use crate::util::{load, spec_path};

fn schema_at<'a>(spec: &'a Spec, loc: &Loc) -> &'a Value {
    spec.deref(loc).expect("schema resolves").0
}

#[test]
fn fastapi_template_keeps_nullable_fields_and_formats() {
    let spec = load(&spec_path(
        "fastapi/full-stack-fastapi-template.openapi.json",
    ))
    .expect("loads");
    assert_eq!(spec.version().dialect, Dialect::OpenApi31);
    assert_eq!(spec.version().declared, "3.1.0");
    assert_eq!(spec.operations().len(), 23);
    assert!(spec.problems().is_empty(), "{:#?}", spec.problems());

    let op = spec.operation("items-read_item").expect("operation");
    assert_eq!(
        (op.method.as_str(), op.path.as_str()),
        ("GET", "/api/v1/items/{id}")
    );
    let detail = spec.resolve(op);
    let id = &detail.parameters[0];
    assert_eq!(
        (id.name.as_str(), id.location, id.required),
        ("id", ParamLocation::Path, true)
    );
    assert_eq!(
        schema_at(&spec, id.schema.as_ref().expect("schema"))["format"],
        "uuid"
    );
    assert_eq!(
        detail.security,
        vec![vec![("OAuth2PasswordBearer".to_string(), vec![])]]
    );

    let ok = detail
        .responses
        .iter()
        .find(|r| r.status == StatusKey::Exact(200))
        .expect("200");
    let media = &ok.content[0];
    assert_eq!(media.media_type, "application/json");
    let item = schema_at(&spec, media.schema.as_ref().expect("schema"));
    assert_eq!(item["title"], "ItemPublic");
    // FastAPI's Optional[str]: anyOf with {"type": "null"}, untouched.
    assert_eq!(
        item["properties"]["description"]["anyOf"],
        json!([{"type": "string", "maxLength": 255}, {"type": "null"}])
    );
    assert_eq!(
        item["properties"]["created_at"]["anyOf"][0]["format"],
        "date-time"
    );
    assert!(detail
        .responses
        .iter()
        .any(|r| r.status == StatusKey::Exact(422)));

    let login = spec.operation("login-login_access_token").expect("login");
    let body = spec.resolve(login).request_body.expect("form body");
    assert_eq!(
        body.content[0].media_type,
        "application/x-www-form-urlencoded"
    );
    assert!(body.required);
}

#[test]
fn oai_31_examples_keep_discriminators_type_arrays_and_webhooks() {
    let spec = load(&spec_path("oai-schema-tests/v3.1/pass/mega.yaml")).expect("loads");
    // The discriminated union and the type array, exactly as written (nothing dropped).
    let root = spec
        .get(&Loc {
            doc: vouch::spec::DocId::ROOT,
            pointer: String::new(),
        })
        .expect("root");
    let text = serde_json::to_string(root).expect("json");
    assert!(text.contains(
        r#""discriminator":{"propertyName":"type","mapping":{"foo":"Foo"},"x-extension":true}"#
    ));
    assert!(text.contains(r#""either":{"type":["string","null"]}"#));

    let hooks = load(&spec_path("oai-examples/v3.1/webhook-example.yaml")).expect("loads");
    assert_eq!(hooks.operations().len(), 0);
    assert_eq!(hooks.webhooks().len(), 1);
    assert_eq!(hooks.webhooks()[0].path, "newPet");
    let detail = hooks.resolve(&hooks.webhooks()[0]);
    let body = detail.request_body.expect("webhook body");
    assert_eq!(
        schema_at(&hooks, body.content[0].schema.as_ref().expect("schema"))["required"],
        json!(["id", "name"])
    );

    // Path items kept in components/pathItems (3.1) are reached through $ref.
    let comp = load(&spec_path("oai-schema-tests/v3.1/pass/comp_pathitems.yaml")).expect("loads");
    assert!(comp.problems().is_empty(), "{:#?}", comp.problems());
}

#[test]
fn openai_31_discriminated_union_is_intact() {
    let spec = load(&spec_path("vendor/openai/openapi.yaml")).expect("loads");
    let root = spec
        .get(&Loc {
            doc: vouch::spec::DocId::ROOT,
            pointer: "/components/schemas".into(),
        })
        .expect("schemas");
    let with_discriminator = root
        .as_object()
        .expect("map")
        .values()
        .filter(|s| {
            s.get("discriminator").is_some()
                && (s.get("oneOf").is_some() || s.get("anyOf").is_some())
        })
        .count();
    assert!(with_discriminator > 0);
}

#[test]
fn swagger_2_is_converted_into_the_same_model() {
    let spec = load(&spec_path("oai-examples/v2.0/json/petstore-expanded.json")).expect("loads");
    assert_eq!(spec.version().declared, "2.0");
    assert_eq!(spec.version().dialect, Dialect::Swagger2);
    let add = spec.operation("addPet").expect("addPet");
    let detail = spec.resolve(add);
    assert_eq!(detail.servers[0].url, "http://petstore.swagger.io/api");
    let body = detail
        .request_body
        .expect("body parameter became a request body");
    assert!(body.required);
    assert_eq!(body.content[0].media_type, "application/json");
    let new_pet = spec
        .deref(body.content[0].schema.as_ref().expect("schema"))
        .expect("resolves");
    assert_eq!(new_pet.1.pointer, "/components/schemas/NewPet");

    let find = spec.resolve(spec.operation("findPets").expect("findPets"));
    let tags = find
        .parameters
        .iter()
        .find(|p| p.name == "tags")
        .expect("tags");
    assert_eq!(
        (tags.style.as_str(), tags.explode),
        ("form", false),
        "csv → form, not exploded"
    );
    let default = find
        .responses
        .iter()
        .find(|r| r.status == StatusKey::Default)
        .expect("default");
    assert_eq!(
        spec.deref(default.content[0].schema.as_ref().expect("schema"))
            .expect("ref")
            .1
            .pointer,
        "/components/schemas/Error"
    );
    assert!(spec.problems().is_empty(), "{:#?}", spec.problems());
}

#[test]
fn swagger_2_form_data_and_security() {
    let doc = br#"{
      "swagger": "2.0", "info": {"title": "f", "version": "1"},
      "host": "api.example.com", "basePath": "/v1", "schemes": ["https"],
      "securityDefinitions": {"key": {"type": "apiKey", "name": "X-Key", "in": "header"},
                              "oauth": {"type": "oauth2", "flow": "application", "tokenUrl": "https://a/token", "scopes": {}}},
      "security": [{"key": []}],
      "paths": {"/upload/{id}": {
        "parameters": [{"name": "id", "in": "path", "required": true, "type": "integer", "format": "int64"}],
        "post": {"consumes": ["multipart/form-data"],
          "parameters": [{"name": "file", "in": "formData", "type": "file", "required": true},
                         {"name": "note", "in": "formData", "type": "string", "x-nullable": true}],
          "responses": {"201": {"description": "made", "headers": {"X-Rate": {"type": "integer"}}}}}}}
    }"#;
    let spec = Spec::from_bytes(doc, None, &LoadOptions::default()).expect("loads");
    let op = &spec.operations()[0];
    let d = spec.resolve(op);
    assert_eq!(d.servers[0].url, "https://api.example.com/v1");
    assert_eq!(d.parameters[0].name, "id");
    let body = d.request_body.expect("form body");
    assert_eq!(body.content[0].media_type, "multipart/form-data");
    let schema = spec
        .get(body.content[0].schema.as_ref().expect("schema"))
        .expect("schema");
    assert_eq!(
        schema["properties"]["file"],
        json!({"type": "string", "format": "binary"})
    );
    assert_eq!(schema["properties"]["note"]["nullable"], true);
    assert_eq!(schema["required"], json!(["file"]));
    assert_eq!(d.responses[0].headers[0].name, "X-Rate");
    assert_eq!(d.security, vec![vec![("key".to_string(), vec![])]]);
    let schemes = spec
        .get(&Loc {
            doc: vouch::spec::DocId::ROOT,
            pointer: "/components/securitySchemes".into(),
        })
        .expect("schemes");
    assert_eq!(
        schemes["oauth"]["flows"]["clientCredentials"]["tokenUrl"],
        "https://a/token"
    );
}

#[test]
fn multi_file_specs_follow_relative_refs() {
    let spec = load(&spec_path(
        "vendor/digitalocean-multifile/DigitalOcean-public.v2.yaml",
    ))
    .expect("loads");
    assert!(
        spec.documents().len() > 1000,
        "{} documents",
        spec.documents().len()
    );
    let op = spec
        .operations()
        .iter()
        .find(|o| o.path == "/v2/droplets/{droplet_id}" && o.method == "GET")
        .expect("op");
    assert_eq!(op.id, "droplets_get");
    let detail = spec.resolve(op);
    assert_eq!(detail.parameters[0].name, "droplet_id");
    assert!(!detail.responses.is_empty());
    assert!(
        spec.load_problems().is_empty(),
        "{:#?}",
        spec.load_problems()
    );

    let separate = load(&spec_path(
        "oai-examples/v2.0/yaml/petstore-separate/spec/swagger.yaml",
    ))
    .expect("loads");
    let d = separate.resolve(separate.operation("findPets").expect("op"));
    assert!(
        d.parameters.iter().any(|p| p.name == "tags"),
        "parameter from parameters.yaml"
    );
}
