from django.apps import AppConfig


class TestingConfig(AppConfig):
    name = "apps.testing"
    label = "testing"

    def ready(self) -> None:
        # The status recomputation reads test results through this source; status imports
        # no testing module (testing imports status).
        from apps.status.facts import set_tests_source
        from apps.testing.facts import resulted_tests

        set_tests_source(resulted_tests)
