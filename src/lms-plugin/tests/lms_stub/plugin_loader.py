"""A tiny copy-by-behaviour of the edx-django-utils plugin loader, for tests only.

It reads AppConfig.plugin_app with the same keys and defaults as edx_django_utils.plugins:
- plugin apps are the classes behind the entry points of group ``lms.djangoapp`` (stevedore there,
  importlib.metadata here); INSTALLED_APPS gets "module.ClassName" for those having ``plugin_app``;
- settings: plugin_app["settings_config"][project][settings_type]["relative_path"] (default "settings"),
  module "{app.name}.{relative_path}", function ``plugin_settings(settings_module)``;
- signals: plugin_app["signals_config"][project]["relative_path"] (default "signals"), module
  "{app.name}.{relative_path}"; for each of its "receivers": the function named "receiver_func_name" in that
  module is connected to import_string("signal_path"), sender import_string("sender_path") if given,
  dispatch_uid "dispatch_uid" or "{func.__module__}.{func.__name__}".
"""
import importlib
import importlib.metadata

from django.utils.module_loading import import_string

LMS = "lms.djangoapp"
COMMON = "common"
PRODUCTION = "production"

#: Filled by get_app_configs(): "module:Class" entry point values that were loaded (for assertions).
LOADED_ENTRY_POINTS = []


def _entry_points(group):
    eps = importlib.metadata.entry_points()
    if hasattr(eps, "select"):
        return list(eps.select(group=group))
    return list(eps.get(group, []))  # Python < 3.10


def get_app_configs(project_type):
    seen, classes = set(), []
    for ep in _entry_points(project_type):
        if ep.value in seen:
            continue
        seen.add(ep.value)
        classes.append(ep.load())
        if ep.value not in LOADED_ENTRY_POINTS:
            LOADED_ENTRY_POINTS.append(ep.value)
    return classes


def get_plugin_apps(project_type):
    return [
        "{}.{}".format(cls.__module__, cls.__name__)
        for cls in get_app_configs(project_type)
        if getattr(cls, "plugin_app", None) is not None
    ]


def add_plugin_settings(settings_module, project_type, settings_type):
    for cls in get_app_configs(project_type):
        config = getattr(cls, "plugin_app", {}).get("settings_config", {}).get(project_type, {}).get(settings_type)
        if config is None:
            continue
        module = importlib.import_module("{}.{}".format(cls.name, config.get("relative_path", "settings")))
        module.plugin_settings(settings_module)


def connect_plugin_receivers(project_type):
    for cls in get_app_configs(project_type):
        signals_config = getattr(cls, "plugin_app", {}).get("signals_config", {}).get(project_type)
        if signals_config is None:
            continue
        module = importlib.import_module("{}.{}".format(cls.name, signals_config.get("relative_path", "signals")))
        for receiver in signals_config.get("receivers", []):
            func = getattr(module, receiver["receiver_func_name"])
            signal = import_string(receiver["signal_path"])
            sender_path = receiver.get("sender_path")
            signal.connect(
                func,
                sender=import_string(sender_path) if sender_path else None,
                dispatch_uid=receiver.get("dispatch_uid") or "{}.{}".format(func.__module__, func.__name__),
            )
