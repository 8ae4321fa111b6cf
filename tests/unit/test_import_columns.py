"""The import's table of columns (bot/services/import_row_columns.ROW): every column of the file is read
by one entry, and every field of a Row is set by one; no database."""

from dataclasses import fields
from datetime import date

from bot.services.import_client_rows import CLIENT_COLUMNS
from bot.services.import_row_columns import ROW, Column, read_row
from bot.services.import_rows import COLUMNS, Row


def _columns() -> list[Column]:
    return [step for step in ROW if isinstance(step, Column)]


def test_every_column_of_the_file_is_read_once() -> None:
    read = [c.header for c in _columns()]
    assert len(read) == len(set(read))
    # The client columns are read together, by the entry under the first of them.
    assert set(read) | set(CLIENT_COLUMNS) == set(COLUMNS)
    assert set(read) & set(CLIENT_COLUMNS) == {CLIENT_COLUMNS[0]}


def test_every_field_of_a_row_is_set_once() -> None:
    sets = [c.sets for c in _columns()]
    assert len(sets) == len(set(sets))
    # The line comes from the file, the manager's user id from the directory once the row is read.
    assert set(sets) == {f.name for f in fields(Row)} - {"line", "manager"}


def test_problems_are_listed_in_the_table_s_order() -> None:
    got, problems = read_row(
        {"case_number": "", "client": "", "manager": "", "fee_base": "other", "adjuster": "Pat"},
        date(2026, 11, 26),
        lambda cell: cell,
    )
    assert problems == [
        "case_number is empty",
        "client is empty",
        "manager is empty: give a Slack user id (U123ABC) or an email",
        "fee_base “other” is gross or net",
        "adjuster is recorded with the demand: give demand_sent too",
    ]
    assert got["adjuster"] == "Pat" and got["fee_base"] == "other"
