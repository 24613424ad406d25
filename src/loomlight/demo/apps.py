from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Holds the ``load_demo`` management command; the demo has no models."""

    name = "loomlight.demo"
    verbose_name = "Demo programme"  # never shown: the app has no models or admin
