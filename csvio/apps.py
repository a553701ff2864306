from django.apps import AppConfig


class CsvioConfig(AppConfig):
    """CSV files of incidents: the layouts, exports and imports."""

    name = "csvio"
    verbose_name = "CSV import and export"
