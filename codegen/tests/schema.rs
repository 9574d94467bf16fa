//! The JSON Schemas in spec/schema/ (for editors) must accept exactly the keys the loader accepts,
//! so that an editor never flags a valid spec nor completes a key the generator would refuse.

use std::collections::BTreeSet;
use std::path::Path;

use payspec_codegen::load::*;
use serde_json::Value;

fn schema(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/schema").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn keys(schema: &Value, pointer: &str) -> BTreeSet<String> {
    let props = schema.pointer(pointer).unwrap_or_else(|| panic!("no {pointer} in the schema"));
    props.as_object().expect("properties is an object").keys().cloned().collect()
}

fn set(parts: &[&[&str]]) -> BTreeSet<String> {
    parts.iter().flat_map(|p| p.iter()).map(|s| s.to_string()).collect()
}

#[test]
fn provider_schema_matches_the_loader() {
    let s = schema("provider.schema.json");
    assert_eq!(keys(&s, "/properties"), set(&[PROVIDER_KEYS]));
    let codes: Vec<&str> = CODE_KEYS.iter().copied().filter(|k| *k != "code").collect();
    assert_eq!(keys(&s, "/$defs/providerCode/properties"), set(&[&codes]));
    assert_eq!(keys(&s, "/$defs/notification/properties"), set(&[NOTIFICATION_KEYS]));
    assert_eq!(keys(&s, "/$defs/notification/properties/triggered_by/items/properties"), set(&[TRIGGER_KEYS]));
    assert_eq!(keys(&s, "/$defs/notification/properties/events/properties"), set(&[EVENTS_KEYS]));
    assert_eq!(
        keys(&s, "/$defs/notification/properties/events/properties/values/additionalProperties/properties"),
        set(&[EVENT_VALUE_KEYS])
    );
    assert_eq!(keys(&s, "/$defs/followUp/properties"), set(&[FOLLOW_UP_KEYS]));
    check_shared_defs(&s);
}

#[test]
fn operation_schema_matches_the_loader() {
    let s = schema("operation.schema.json");
    assert_eq!(keys(&s, "/properties"), set(&[OPERATION_KEYS]));
    let codes: Vec<&str> = CODE_KEYS.iter().copied().filter(|k| *k != "common").collect();
    assert_eq!(keys(&s, "/$defs/operationCode/properties"), set(&[&codes]));
    assert_eq!(keys(&s, "/$defs/pathParam/properties"), set(&[PATH_PARAM_KEYS]));
    assert_eq!(keys(&s, "/$defs/example/properties"), set(&[EXAMPLE_KEYS]));
    assert_eq!(keys(&s, "/$defs/example/properties/known_differences/items/properties"), set(&[KNOWN_DIFFERENCE_KEYS]));
    assert_eq!(keys(&s, "/$defs/example/properties/expected_failure/properties"), set(&[EXPECTED_FAILURE_KEYS]));
    check_shared_defs(&s);
}

fn check_shared_defs(s: &Value) {
    assert_eq!(keys(s, "/$defs/field/properties"), set(&[FIELD_KEYS, LIMIT_KEYS]));
    assert_eq!(keys(s, "/$defs/stringType/properties"), set(&[TYPE_KEYS, STRING_TYPE_KEYS, STRING_LIMIT_KEYS]));
    assert_eq!(keys(s, "/$defs/enumType/properties"), set(&[TYPE_KEYS, ENUM_TYPE_KEYS]));
    assert_eq!(keys(s, "/$defs/structType/properties"), set(&[TYPE_KEYS, STRUCT_TYPE_KEYS]));
    let required: BTreeSet<String> = s
        .pointer("/$defs/field/required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(String::from))
        .collect();
    assert_eq!(required, set(&[&["type", "description"]]), "fields require a type and a description");
}

#[test]
fn envelope_schema_lists_the_loader_keys() {
    let s = schema("provider.schema.json");
    let text = s.pointer("/$defs/envelope").expect("envelope def").to_string();
    for key in ENVELOPE_KEYS {
        assert!(text.contains(&format!("\"{key}\"")), "envelope schema lacks `{key}`");
    }
}
