"""contracts/: the schema, the examples, the signature vectors and the plugin agree."""
import json
import subprocess
import sys

import pytest

from conftest import CONTRACTS_DIR
from fake_bridge import verify
from helpers import load_json
from schema_check import validate

SCHEMA = load_json(CONTRACTS_DIR / "user-retired.schema.json")
VECTORS = load_json(CONTRACTS_DIR / "signature-vectors.json")
INVALID_INDEX = load_json(CONTRACTS_DIR / "examples" / "invalid" / "index.json")
OUTCOMES = {"valid", "missing_headers", "malformed_timestamp", "timestamp_too_old", "timestamp_in_future",
            "malformed_signature", "no_matching_signature"}


@pytest.mark.parametrize("path", sorted((CONTRACTS_DIR / "examples").glob("*.json")), ids=lambda p: p.name)
def test_valid_examples_validate(path):
    assert validate(load_json(path), SCHEMA) == []


@pytest.mark.parametrize("case", INVALID_INDEX["cases"], ids=lambda c: c["file"])
def test_invalid_examples_fail_where_the_index_says(case):
    errors = validate(load_json(CONTRACTS_DIR / "examples" / "invalid" / case["file"]), SCHEMA)
    assert errors, "expected {} to be invalid".format(case["file"])
    assert case["pointer"] in [p for p, _ in errors], errors


def test_invalid_index_lists_every_file():
    files = {p.name for p in (CONTRACTS_DIR / "examples" / "invalid").glob("*.json")} - {"index.json"}
    assert files == {c["file"] for c in INVALID_INDEX["cases"]}


def test_schema_allows_unknown_properties_for_forward_compatibility():
    event = load_json(CONTRACTS_DIR / "examples" / "user-retired.json")
    event["data"]["future_field"] = {"anything": True}
    event["future_envelope_field"] = 1
    assert validate(event, SCHEMA) == []
    # ...but the known fields keep their rules.
    event["data"]["lms_user_id"] = "12345"
    assert validate(event, SCHEMA) != []


def test_committed_vectors_match_the_generator():
    result = subprocess.run([sys.executable, str(CONTRACTS_DIR / "tools" / "make_signature_vectors.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_vector_file_shape():
    assert set(VECTORS) >= {"signing", "verification"}
    for v in VECTORS["signing"]:
        assert set(v) == {"name", "secret", "id", "timestamp", "body", "signature"}
        assert isinstance(v["timestamp"], int) and v["signature"].startswith("v1,")
    for v in VECTORS["verification"]:
        assert set(v) == {"name", "secrets", "id", "timestamp", "now", "body", "signature_header", "expected"}
        assert isinstance(v["timestamp"], str) and isinstance(v["now"], int) and isinstance(v["secrets"], list)
    assert {v["expected"] for v in VECTORS["verification"]} == OUTCOMES
    assert any(ord(c) > 127 for v in VECTORS["signing"] for c in v["body"])


@pytest.mark.parametrize("vector", VECTORS["signing"], ids=lambda v: v["name"])
def test_plugin_signer_reproduces_signing_vectors(vector):
    from retirement_bridge_plugin.signing import sign_with_secret

    assert sign_with_secret(vector["secret"], vector["id"], vector["timestamp"],
                            vector["body"].encode("utf-8")) == vector["signature"]


@pytest.mark.parametrize("vector", VECTORS["verification"], ids=lambda v: v["name"])
def test_reference_verifier_used_by_the_fake_bridge_agrees_with_verification_vectors(vector):
    got = verify(vector["secrets"], vector["id"], vector["timestamp"], vector["now"], vector["body"],
                 vector["signature_header"])
    assert got == vector["expected"]


def test_plugin_body_encoding_matches_vector_encoding():
    from retirement_bridge_plugin.events import encode_body

    event = json.loads(next(v for v in VECTORS["signing"] if v["name"] == "ascii-retirement")["body"])
    body = encode_body(event["type"], event["data"], event["timestamp"]).decode("utf-8")
    assert body == next(v for v in VECTORS["signing"] if v["name"] == "ascii-retirement")["body"]
