"""The plugin declaration: entry point, plugin_app dict, settings hooks."""
import types

from conftest import declared_entry_points


def test_entry_point_points_at_the_app_config():
    from django.utils.module_loading import import_string

    from retirement_bridge_plugin.apps import RetirementBridgeConfig

    eps = [(g, n, v) for g, n, v in declared_entry_points() if g == "lms.djangoapp"]
    assert len(eps) == 1
    assert import_string(eps[0][2].replace(":", ".")) is RetirementBridgeConfig


def test_plugin_app_uses_plain_string_keys_and_resolvable_paths():
    import importlib

    from django.utils.module_loading import import_string

    from retirement_bridge_plugin.apps import RetirementBridgeConfig as cfg

    app = cfg.plugin_app
    assert set(app) == {"settings_config", "signals_config"}
    signals = app["signals_config"]["lms.djangoapp"]
    module = importlib.import_module(cfg.name + "." + signals["relative_path"])
    for receiver in signals["receivers"]:
        assert callable(getattr(module, receiver["receiver_func_name"]))
        assert import_string(receiver["signal_path"]) is not None
    for settings_type in ("common", "production"):
        path = app["settings_config"]["lms.djangoapp"][settings_type]["relative_path"]
        assert callable(importlib.import_module(cfg.name + "." + path).plugin_settings)
    assert "cms.djangoapp" not in app["signals_config"]


def test_common_settings_install_defaults_without_overwriting():
    from retirement_bridge_plugin.settings import common

    s = types.SimpleNamespace(RETIREMENT_BRIDGE_RETRIES=7)
    common.plugin_settings(s)
    assert s.RETIREMENT_BRIDGE_RETRIES == 7
    assert s.RETIREMENT_BRIDGE_URL is None and s.RETIREMENT_BRIDGE_SECRET is None
    assert s.RETIREMENT_BRIDGE_FAIL_CLOSED is True and s.RETIREMENT_BRIDGE_TIMEOUT == 5


def test_production_settings_read_env_and_auth_tokens():
    from retirement_bridge_plugin.settings import production

    s = types.SimpleNamespace(
        ENV_TOKENS={"RETIREMENT_BRIDGE_URL": "https://b.example.edu", "RETIREMENT_BRIDGE_SECRET": "from-env"},
        AUTH_TOKENS={"RETIREMENT_BRIDGE_SECRET": "from-auth"},
    )
    production.plugin_settings(s)
    assert s.RETIREMENT_BRIDGE_URL == "https://b.example.edu"
    assert s.RETIREMENT_BRIDGE_SECRET == "from-auth"
    assert s.RETIREMENT_BRIDGE_RETRIES == 2


def test_production_settings_keep_yaml_merged_values_when_no_tokens():
    from retirement_bridge_plugin.settings import production

    s = types.SimpleNamespace(RETIREMENT_BRIDGE_URL="https://yaml.example.edu")
    production.plugin_settings(s)
    assert s.RETIREMENT_BRIDGE_URL == "https://yaml.example.edu"


def test_app_ready_logs_misconfiguration_without_raising(caplog):
    from django.apps import apps
    from django.test.utils import override_settings

    with override_settings(RETIREMENT_BRIDGE_URL=None, RETIREMENT_BRIDGE_SECRET="whsec_c2VjcmV0"):
        apps.get_app_config("retirement_bridge").ready()
    assert "RETIREMENT_BRIDGE_URL is not set" in caplog.text
    assert "c2VjcmV0" not in caplog.text
