"""The role groups that migrations create are the ones accounts.roles describes."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts.roles import ROLES

pytestmark = pytest.mark.django_db


def test_migrated_groups_have_exactly_the_permissions_of_the_roles_table():
    groups = {
        group.name: {
            (permission.content_type.app_label, permission.codename)
            for permission in group.permissions.select_related("content_type")
        }
        for group in Group.objects.filter(name__in=ROLES)
    }

    assert groups == ROLES
