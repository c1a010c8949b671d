"""Naive timestamps in imported files, read by the policy engine's one rule (policy.localtime).

An imported cell without an offset is a wall-clock time in the map's (or the policy's) zone.
DuckDB's own ``timezone(zone, ts)`` reads a repeated hour as its second occurrence, and
Arrow's ``assume_timezone`` puts a skipped time before the gap; both differ from ``decide``.
So the import hands every naive time to ``policy.localtime``: in SQL through the function
``rd_wall_clock(TIMESTAMP, zone) -> TIMESTAMPTZ`` (used by the ``rd_ts`` macro), and for
Parquet's typed timestamp columns directly.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from duckdb.sqltypes import TIMESTAMP, TIMESTAMP_TZ, VARCHAR

from policy.localtime import local_to_utc_us

_UTC_US = pa.timestamp("us", tz="UTC")


def wall_clock_to_utc(local: pa.Array | pa.ChunkedArray, zone: str) -> pa.Array:
    """Naive Arrow timestamps (wall clock in ``zone``) -> timestamp[us, UTC]; nulls stay null."""
    if isinstance(local, pa.ChunkedArray):
        local = local.combine_chunks()
    micros = pc.cast(local, pa.timestamp("us"), safe=False).cast(pa.int64())
    known = pc.is_valid(micros).to_numpy(zero_copy_only=False)
    values = micros.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    utc = np.zeros(len(values), np.int64)
    if known.any():
        utc[known] = local_to_utc_us(values[known], zone)
    return pa.array(utc, pa.int64(), mask=~known).cast(_UTC_US)


def _rd_wall_clock(local: pa.Array, zones: pa.Array) -> pa.Array:
    zone_names = pc.unique(zones).to_pylist()
    if len(zone_names) == 1:
        return wall_clock_to_utc(local, zone_names[0])
    out = pa.nulls(len(local), _UTC_US)
    for name in zone_names:  # a zone per row: not what the import does, but still right
        rows = pc.equal(zones, name)
        out = pc.if_else(rows, wall_clock_to_utc(local, name), out)
    return out


def register_wall_clock(con: duckdb.DuckDBPyConnection) -> None:
    """Define ``rd_wall_clock`` on the database of ``con`` (once; later calls do nothing)."""
    try:
        con.create_function("rd_wall_clock", _rd_wall_clock, [TIMESTAMP, VARCHAR], TIMESTAMP_TZ,
                            type="arrow", side_effects=False)
    except duckdb.CatalogException as exc:
        if "already" not in str(exc):
            raise
