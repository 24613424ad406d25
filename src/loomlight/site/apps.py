from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "loomlight.site"
    label = "site_"
    verbose_name = "Loomlight site"
