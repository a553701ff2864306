from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmarks and the synthetic incidents they run on (`manage.py generate_incidents`)."""

    name = "bench"
    verbose_name = "Benchmarks"
