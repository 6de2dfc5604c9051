"""Fixtures the project-wide walks share (the URL × role matrix, the English walk)."""

import pytest


@pytest.fixture
def matrix_cast(cast):
    from shanzhi.registry.models import ImportJob

    jobs = {}
    for rel, node, by in (
        ("a1", cast.community, cast.zhang),
        ("a2", cast.community, cast.zhao),
        ("b", cast.community_b, cast.chen),
        ("c", cast.community_c, cast.sun),
    ):
        jobs[rel] = ImportJob.objects.create(
            created_by=by, scope=node, file="imports/x.csv", original_name="x.csv", status="done"
        )
    cast.import_jobs = jobs
    return cast
