"""The Gaussian kernel's maths beside its weights: the formula, its normaliser, and the 1-D profile.

Every number comes from cnn_core.kernels.gaussian_profile, which builds the row from the
same `gaussian` function the page filters with.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from cnn_core.kernels import GaussianProfile, gaussian_profile

FORMULA = (
    r"G(x, y) = \frac{1}{Z}\, e^{-\frac{x^2 + y^2}{2\sigma^2}}, \qquad "
    r"Z = \sum_{x=-r}^{r} \sum_{y=-r}^{r} e^{-\frac{x^2 + y^2}{2\sigma^2}}"
)


def numbers_latex(p: GaussianProfile) -> str:
    """The formula's numbers for this kernel: sigma, r, the normaliser Z and the centre weight 1/Z."""
    r = (p.size - 1) // 2
    return (
        rf"\sigma = {p.sigma:g},\; r = {r}:\quad Z = {p.total:.4g},\quad G(0, 0) = \frac{{1}}{{Z}} = {1 / p.total:.4g}"
    )


def profile_figure(p: GaussianProfile) -> go.Figure:
    """The centre row's weights as stems on the continuous curve they are samples of."""
    stems_x, stems_y = [], []
    for x, y in zip(p.offsets, p.row, strict=True):
        stems_x += [float(x), float(x), None]
        stems_y += [0.0, float(y), None]
    fig = go.Figure(
        [
            go.Scatter(x=p.x, y=p.curve, mode="lines", name="formula between the cells", line=dict(color="#4C78A8")),
            go.Scatter(
                x=stems_x, y=stems_y, mode="lines", showlegend=False, hoverinfo="skip", line=dict(color="#F58518")
            ),
            go.Scatter(
                x=p.offsets,
                y=p.row,
                mode="markers",
                name="weights of the centre row",
                marker=dict(color="#F58518", size=9),
                hovertemplate="offset %{x}<br>weight %{y:.4g}<extra></extra>",
            ),
        ]
    )
    fig.update_layout(
        title=dict(text=f"Centre row, sigma {p.sigma:g}", font=dict(size=14)),
        xaxis=dict(title="pixels from the centre", dtick=1 if p.size <= 15 else None, zeroline=False),
        yaxis=dict(title="weight", rangemode="tozero"),
        height=260,
        margin=dict(l=10, r=10, t=40, b=10),
        legend=dict(orientation="h", yanchor="top", y=-0.3, x=0),
        plot_bgcolor="white",
    )
    return fig


def show_gaussian(size: int, sigma: float) -> None:
    """The formula (st.latex) with this kernel's numbers, and the profile that follows the sigma slider."""
    p = gaussian_profile(size, sigma)
    left, right = st.columns(2)
    with left:
        st.markdown(f"**The formula behind the {size}x{size} Gaussian weights above** (x, y: pixels from the centre)")
        st.latex(FORMULA)
        st.latex(numbers_latex(p))
    with right:
        st.plotly_chart(profile_figure(p), width="stretch", config={"displayModeBar": False}, key="k_gauss_profile")
    st.caption(
        f"The middle row of the {size}x{size} kernel (dots) sits on the bell curve of the formula (line). Its weights "
        f"fall from {p.row.max():.4g} in the centre to {p.row.min():.4g} at the ends, {(size - 1) // 2} px away; "
        "a larger sigma flattens the bell, so far pixels count more and the blur is stronger. The weights sum to 1 "
        "because each one is divided by Z."
    )
