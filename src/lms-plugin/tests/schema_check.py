"""A minimal JSON Schema 2020-12 validator for the keywords contracts/user-retired.schema.json uses.

No third-party validator is available offline (Debian's python3-jsonschema is not a CI dependency), so this
covers: $ref (local #/$defs), oneOf, type (incl. lists and "integer"), const, enum, required, properties,
additionalProperties (bool), minLength, maxLength, pattern, minimum. Unknown keywords fail loudly so the
schema cannot silently grow past what the tests check; 'format' is an annotation in 2020-12 and is skipped.
Returns a list of (json_pointer, message).
"""
import re

_KNOWN = {"$schema", "$id", "$defs", "$ref", "title", "description", "oneOf", "type", "const", "enum", "required",
          "properties", "additionalProperties", "minLength", "maxLength", "pattern", "minimum", "format"}


def _type_ok(value, t):
    return {
        "object": isinstance(value, dict),
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "null": value is None,
        "boolean": isinstance(value, bool),
        "array": isinstance(value, list),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool),
    }[t]


def validate(instance, schema, root=None, pointer=""):
    root = root if root is not None else schema
    unknown = set(schema) - _KNOWN
    if unknown:
        raise ValueError("schema_check does not implement {}".format(sorted(unknown)))
    errors = []
    if "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/$defs/"), ref
        errors += validate(instance, root["$defs"][ref[len("#/$defs/"):]], root, pointer)
    if "oneOf" in schema:
        passing = [s for s in schema["oneOf"] if not validate(instance, s, root, pointer)]
        if len(passing) != 1:
            # report the errors of the branch whose 'type' const matches, if any, for a useful pointer
            branch_errors = [validate(instance, s, root, pointer) for s in schema["oneOf"]]
            best = min(branch_errors, key=len) if branch_errors else []
            errors += best or [(pointer, "matches {} of oneOf".format(len(passing)))]
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_type_ok(instance, t) for t in types):
            return errors + [(pointer, "not of type {}".format(types))]
    if "const" in schema and instance != schema["const"]:
        errors.append((pointer, "not {!r}".format(schema["const"])))
    if "enum" in schema and instance not in schema["enum"]:
        errors.append((pointer, "not one of {}".format(schema["enum"])))
    if isinstance(instance, str):
        if "minLength" in schema and len(instance) < schema["minLength"]:
            errors.append((pointer, "shorter than {}".format(schema["minLength"])))
        if "maxLength" in schema and len(instance) > schema["maxLength"]:
            errors.append((pointer, "longer than {}".format(schema["maxLength"])))
        if "pattern" in schema and not re.search(schema["pattern"], instance):
            errors.append((pointer, "does not match {}".format(schema["pattern"])))
    if _type_ok(instance, "number") and "minimum" in schema and instance < schema["minimum"]:
        errors.append((pointer, "less than {}".format(schema["minimum"])))
    if isinstance(instance, dict):
        for name in schema.get("required", []):
            if name not in instance:
                errors.append((pointer, "missing required {}".format(name)))
        props = schema.get("properties", {})
        for name, value in instance.items():
            if name in props:
                errors += validate(value, props[name], root, pointer + "/" + name)
            elif schema.get("additionalProperties", True) is False:
                errors.append((pointer, "additional property {} not allowed".format(name)))
    return errors
