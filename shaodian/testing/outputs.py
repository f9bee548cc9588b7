"""Helpers for the tests of printed and exported lists: a persona's client in a language, the
workbook a page answered read back (python-calamine), and a refusal that leaves no trace."""

import io

from django.conf import settings
from django.test import Client
from python_calamine import CalamineWorkbook


def client_for(world, username: str, language: str = "zh-hans") -> Client:
    client = Client()
    client.force_login(world.users[username])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def read_xlsx(response) -> dict[str, list[list]]:
    """{sheet name: rows as lists of cell values} of an .xlsx response (or its bytes)."""
    data = response if isinstance(response, bytes) else response.content
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def header_row(rows: list[list], first: str) -> int:
    """The index of the row whose first cell is `first` (the titles below the lead lines)."""
    return next(n for n, row in enumerate(rows) if row and row[0] == first)


def refused_unlogged(client: Client, *requests) -> bool:
    """Each (url, query) is a 404, and the access log holds nothing."""
    from apps.access.models import AccessLog

    statuses = [client.get(url, query or {}).status_code for url, query in requests]
    return statuses == [404] * len(requests) and not AccessLog.objects.exists()


def worker_xlsx(client: Client, url: str, query: dict | None = None) -> dict[str, list[list]]:
    """A workbook written by the worker (apps.reports.exports): asked for (the page sends
    the user to the job's page), written as `manage.py worker` writes it, downloaded."""
    from django.urls import reverse

    from apps.reports import tasks
    from apps.reports.models import ExportJob

    asked = client.get(url, query or {})
    job = ExportJob.objects.order_by("-pk").first()
    assert asked.status_code == 302 and asked.url == reverse("reports:export_job", args=[job.pk])
    assert tasks.run_export.call(job.pk) == "done"
    response = client.get(reverse("reports:export_file", args=[job.pk]))
    assert response.status_code == 200
    return read_xlsx(b"".join(response.streaming_content))
