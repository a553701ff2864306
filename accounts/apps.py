from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from simple_history.signals import pre_create_historical_record

        from accounts.roles import record_role

        # Every history entry saved one by one; bulk writes name the role themselves.
        pre_create_historical_record.connect(record_role, dispatch_uid="accounts.record_role")
