"""The Data page's upload staging: one file per session, replaced, swept, never outside its root."""

from __future__ import annotations

import os

import pytest

from data.upload_staging import UploadShelf, safe_name


@pytest.fixture()
def shelf(tmp_path):
    return UploadShelf(tmp_path / "root", max_age=3600)


@pytest.mark.parametrize("name, expected", [
    ("orders.csv", "orders.csv"),
    ("../../etc/passwd", "passwd"),
    ("..", "upload"),
    (".hidden.csv", "hidden.csv"),
    ("Bestellungen März 2026.csv", "Bestellungen_M_rz_2026.csv"),
    ("x" * 200 + ".csv", "x" * 80),
], ids=["plain", "path-escape", "dots-only", "leading-dot", "non-ascii", "too-long"])
def test_safe_name(name, expected):
    assert safe_name(name) == expected


def test_a_new_upload_replaces_the_sessions_previous_file(shelf):
    first = shelf.stage("s1", "a.csv", b"order_id\n1\n")
    second = shelf.stage("s1", "b.parquet", b"PAR1")
    assert not first.exists() and second.read_bytes() == b"PAR1"
    assert shelf.staged() == [second]


def test_sessions_do_not_share_files(shelf):
    a = shelf.stage("s1", "same.csv", b"one")
    b = shelf.stage("s2", "same.csv", b"two")
    assert a != b and a.read_bytes() == b"one" and b.read_bytes() == b"two"


@pytest.mark.parametrize("name, suffix", [("x.csv", ".csv"), ("x.PARQUET", ".PARQUET"), ("x.txt", ".csv"),
                                          ("noext", ".csv")], ids=["csv", "parquet-upper", "txt", "no-suffix"])
def test_only_csv_or_parquet_names_are_staged(shelf, name, suffix):
    assert shelf.stage("s", name, b"x").suffix == suffix


def test_discard_removes_the_sessions_file_only(shelf):
    mine, theirs = shelf.stage("s1", "a.csv", b"1"), shelf.stage("s2", "a.csv", b"2")
    shelf.discard("s1")
    assert not mine.exists() and theirs.exists()
    shelf.discard("never-staged")  # nothing to do is not an error


@pytest.mark.parametrize("age, kept", [(3599, True), (3601, False)], ids=["just-under-max-age", "just-over"])
def test_sweep_removes_folders_untouched_for_longer_than_max_age(shelf, age, kept):
    path = shelf.stage("old", "a.csv", b"1")
    old = path.parent.stat().st_mtime - age
    os.utime(path.parent, (old, old))
    shelf.stage("new", "b.csv", b"2")  # staging sweeps
    assert path.exists() is kept


def test_a_session_name_cannot_leave_the_root(shelf):
    path = shelf.stage("../../escape", "a.csv", b"1")
    assert shelf.root in path.parents


def test_a_root_removed_by_a_temp_cleaner_is_made_again(shelf):
    shelf.remove()
    assert shelf.sweep() == []
    assert shelf.stage("s", "a.csv", b"1").exists()
