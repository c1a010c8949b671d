"""The Weekly metrics page's charts, built from the report's pre-aggregated rows as Vega-Lite
specs: each builder returns ``(frame, spec)`` for ``st.vega_lite_chart(frame, spec, ...)``.

Vega-Lite, not Plotly: a new browser session loads Plotly's 4.7 MB bundle before drawing the
first chart, and each Plotly chart took a few hundred ms of the browser's time; the six charts
made this page the slowest to open. Vega-Lite's code is a sixth of that and draws all six in
about the time Plotly drew one. What the page relies on is kept: titles, axis labels,
calendar-ordered week axes, hover text, and the trend's click-through (a point selection named
``PICK`` whose fields are the stage code and the week's Monday, ``picked_point`` reads it).

Text from data goes in as it is: Vega-Lite draws labels on a canvas and its tooltips escape
markup, so a category named ``<b>x</b>`` shows as typed.
"""

from __future__ import annotations

import pandas as pd

HEIGHT = 320
ONE_ROW = {"values": [{}]}  # a layer drawn once (the target line), not once per data row
PICK = "pick"  # the trend's selection: [{"stage_code": ..., "week_start": "YYYY-MM-DD"}]


def _spec(title: str, **parts) -> dict:
    return {"title": title, "height": HEIGHT, **parts}  # ``height`` in parts: bars sized by their count


def attainment_trend(trend: pd.DataFrame, week_order: list[str], target: float, title: str) -> tuple[pd.DataFrame, dict]:
    """One line per stage (``stage``: its label) over ``label`` (ISO weeks), attainment as a
    percentage, the target as a dashed line; a click picks the nearest point's
    [stage_code, week_start]."""
    frame = trend[["label", "stage", "stage_code", "week_start", "attainment"]].reset_index(drop=True)
    x = {"field": "label", "type": "ordinal", "sort": list(week_order), "title": "week", "axis": {"labelAngle": -45}}
    y = {"field": "attainment", "type": "quantitative", "title": None, "axis": {"format": ".0%"},
         "scale": {"zero": False}}
    color = {"field": "stage", "type": "nominal", "title": None,
             "legend": {"orient": "bottom", "columns": 2, "labelLimit": 260}}
    tooltip = [{"field": "stage", "title": "stage"}, {"field": "label", "title": "week"},
               {"field": "attainment", "type": "quantitative", "format": ".1%", "title": "attainment"}]
    return frame, _spec(title, height=HEIGHT + 140, layer=[  # the legend's rows sit inside the height
        {"mark": {"type": "line"}, "encoding": {"x": x, "y": y, "color": color}},
        {"mark": {"type": "point", "filled": True, "size": 60},
         "params": [{"name": PICK, "select": {"type": "point", "on": "click", "nearest": True,
                                              "fields": ["stage_code", "week_start"]}}],
         "encoding": {"x": x, "y": y, "color": color, "tooltip": tooltip}},
        {"data": ONE_ROW, "mark": {"type": "rule", "color": "red", "strokeDash": [6, 4]},
         "encoding": {"y": {"datum": target / 100}}},
        {"data": ONE_ROW, "mark": {"type": "text", "color": "red", "align": "right", "baseline": "bottom", "dy": -3},
         "encoding": {"y": {"datum": target / 100}, "x": {"value": "width"}, "text": {"value": f"target {target:g}%"}}},
    ])


def grouped_bars(frame: pd.DataFrame, x: str, y: str, group: str, title: str, y_title: str) -> tuple[pd.DataFrame, dict]:
    """Bars of ``y`` per ``x`` (one row per ``x``, its labels read across), one colour per value
    of ``group`` side by side."""
    data = frame[[x, y, group]].reset_index(drop=True)
    order = list(dict.fromkeys(data[x]))
    return data, _spec(title, height={"step": 14}, mark={"type": "bar"}, encoding={
        "y": {"field": x, "type": "nominal", "sort": order, "title": None, "axis": {"labelLimit": 220}},
        "yOffset": {"field": group, "type": "nominal"},
        "x": {"field": y, "type": "quantitative", "title": y_title},
        "color": {"field": group, "type": "nominal", "title": group, "legend": {"orient": "bottom"}},
        "tooltip": [{"field": group}, {"field": x, "title": "stage"}, {"field": y, "type": "quantitative", "title": y_title}],
    })


def horizontal_bars(frame: pd.DataFrame, value: str, label: str, title: str) -> tuple[pd.DataFrame, dict]:
    """One bar per row (``label`` on the axis, ``value`` its length), the first row at the bottom."""
    data = frame[[label, value]].reset_index(drop=True)
    return data, _spec(title, height={"step": 22}, mark={"type": "bar"}, encoding={
        "y": {"field": label, "type": "nominal", "sort": list(data[label])[::-1], "title": None,
              "axis": {"labelLimit": 220}},
        "x": {"field": value, "type": "quantitative", "title": value},
        "tooltip": [{"field": label, "title": "label"}, {"field": value, "type": "quantitative"}],
    })


def stacked_bars(frame: pd.DataFrame, x: str, parts: dict[str, str], title: str, x_order: list[str]) -> tuple[pd.DataFrame, dict]:
    """Bars over ``x`` stacked from the columns ``parts`` (legend name -> column)."""
    data = frame[[x, *parts.values()]].melt(id_vars=x, var_name="part", value_name="amount")
    data["part"] = data["part"].map({column: name for name, column in parts.items()})
    data["amount"] = pd.to_numeric(data["amount"], errors="coerce").astype(float)
    return data, _spec(title, mark={"type": "bar"}, encoding={
        "x": {"field": x, "type": "ordinal", "sort": list(x_order), "title": None, "axis": {"labelAngle": -45}},
        "y": {"field": "amount", "type": "quantitative", "title": None, "stack": "zero"},
        "color": {"field": "part", "type": "nominal", "title": None, "sort": list(parts)},
        "tooltip": [{"field": x, "title": "week"}, {"field": "part"},
                    {"field": "amount", "type": "quantitative", "format": ",.2f"}],
    })


def rate_bars(frame: pd.DataFrame, x: str, rate: str, extra: list[str], title: str, y_title: str) -> tuple[pd.DataFrame, dict]:
    """A rate per ``x`` as a percentage, the ``extra`` columns shown on hover."""
    data = frame[[x, rate, *extra]].reset_index(drop=True)
    return data, _spec(title, mark={"type": "bar"}, encoding={
        "x": {"field": x, "type": "nominal", "sort": list(data[x]), "title": None,
              "axis": {"labelAngle": -45, "labelOverlap": False}},
        "y": {"field": rate, "type": "quantitative", "title": y_title, "axis": {"format": ".1%"}},
        "tooltip": [{"field": x}, {"field": rate, "type": "quantitative", "format": ".1%", "title": y_title},
                    *({"field": name, "type": "quantitative"} for name in extra)],
    })
