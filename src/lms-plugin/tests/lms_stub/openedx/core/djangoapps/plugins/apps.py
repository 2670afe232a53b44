"""Stand-in for openedx.core.djangoapps.plugins: connects plugin receivers when the LMS app registry is ready."""
from django.apps import AppConfig

import plugin_loader


class PluginsConfig(AppConfig):
    name = "openedx.core.djangoapps.plugins"
    label = "plugins"

    def ready(self):
        plugin_loader.connect_plugin_receivers(plugin_loader.LMS)
