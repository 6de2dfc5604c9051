import pytest
from django.db import DatabaseError, connection, transaction

from shanzhi.core import appendonly, audit
from shanzhi.core.models import AuditEvent


def test_purge_door_opens_for_delete_only(db):
    event = audit.record(AuditEvent.Action.EXPORT, username="someone")
    appendonly.set_purge_allowed(connection, True)
    try:
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(outcome="failure")
        AuditEvent.objects.filter(pk=event.pk).delete()
    finally:
        appendonly.set_purge_allowed(connection, False)
    assert not AuditEvent.objects.filter(pk=event.pk).exists()


def test_delete_refused_while_the_door_is_shut(db):
    event = audit.record(AuditEvent.Action.EXPORT, username="someone")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_can_still_be_cleaned_up():
    audit.record(AuditEvent.Action.EXPORT, username="someone")
    assert AuditEvent.objects.count() == 1
