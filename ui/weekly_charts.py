"""The Weekly metrics page's charts, built from the report's pre-aggregated rows as plain Plotly
graph objects.

Plotly Express took ~0.15 s per figure (most of the page's script time on the sample) to draw the
same few bars and lines; these builders take a few milliseconds and keep what the page relies on:
titles, axis labels, calendar-ordered week axes, the trend's click-through ``customdata`` =
[stage, week Monday]. Text from data must already be safe as chart text (``display.chart_frame``).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go


def _layout(fig: go.Figure, title: str, x_title: str, y_title: str, legend_title: str | None = None) -> go.Figure:
    fig.update_layout(title={"text": title}, xaxis_title=x_title, yaxis_title=y_title,
                      legend={"title": {"text": legend_title}} if legend_title else None)
    return fig


def attainment_trend(trend: pd.DataFrame, week_order: list[str], target: float, title: str) -> go.Figure:
    """One line per stage (``stage``: its label) over ``label`` (ISO weeks), attainment as a
    percentage, the target as a dashed line; each point carries [stage_code, week_start]."""
    fig = go.Figure()
    for stage, rows in trend.groupby("stage", sort=False):
        fig.add_trace(go.Scatter(
            x=rows["label"], y=rows["attainment"], name=stage, mode="lines+markers",
            customdata=rows[["stage_code", "week_start"]].to_numpy(),
            hovertemplate=f"{stage}<br>week=%{{x}}<br>attainment=%{{y:.1%}}<extra></extra>"))
    fig.add_hline(y=target / 100, line_dash="dash", line_color="red", annotation_text=f"target {target:g}%")
    fig.update_yaxes(tickformat=".0%")
    fig.update_xaxes(categoryorder="array", categoryarray=week_order)
    _layout(fig, title, "week", "")
    fig.update_layout(legend={"orientation": "h", "y": -0.3, "title": None})
    return fig


def grouped_bars(frame: pd.DataFrame, x: str, y: str, group: str, title: str, y_title: str) -> go.Figure:
    """Bars of ``y`` per ``x``, one colour per value of ``group`` side by side."""
    fig = go.Figure([go.Bar(x=rows[x], y=rows[y], name=str(name),
                            hovertemplate=f"{group}={name}<br>%{{x}}<br>{y_title}=%{{y}}<extra></extra>")
                     for name, rows in frame.groupby(group, sort=False)])
    fig.update_layout(barmode="group")
    return _layout(fig, title, "", y_title, group)


def horizontal_bars(frame: pd.DataFrame, value: str, label: str, title: str) -> go.Figure:
    """One bar per row (``label`` on the axis, ``value`` its length), in the frame's order."""
    fig = go.Figure(go.Bar(x=frame[value], y=frame[label], orientation="h",
                           hovertemplate=f"{value}=%{{x}}<br>%{{y}}<extra></extra>"))
    return _layout(fig, title, value, "")


def stacked_bars(frame: pd.DataFrame, x: str, parts: dict[str, str], title: str, x_order: list[str]) -> go.Figure:
    """Bars over ``x`` stacked from the columns ``parts`` (legend name -> column)."""
    fig = go.Figure([go.Bar(name=name, x=frame[x], y=frame[column]) for name, column in parts.items()])
    fig.update_layout(barmode="stack", title={"text": title})
    fig.update_xaxes(categoryorder="array", categoryarray=x_order)
    return fig


def rate_bars(frame: pd.DataFrame, x: str, rate: str, extra: list[str], title: str, y_title: str) -> go.Figure:
    """A rate per ``x`` as a percentage, the ``extra`` columns shown on hover."""
    extras = "".join(f"<br>{name}=%{{customdata[{i}]}}" for i, name in enumerate(extra))
    fig = go.Figure(go.Bar(x=frame[x], y=frame[rate], customdata=frame[extra].to_numpy(),
                           hovertemplate=f"%{{x}}<br>{y_title}=%{{y:.1%}}{extras}<extra></extra>"))
    fig.update_yaxes(tickformat=".1%")
    return _layout(fig, title, "", y_title)
