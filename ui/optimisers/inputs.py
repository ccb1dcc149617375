"""The Optimisers page's controls: a surface, the shared learning rate, each optimiser's own constants,
the number of steps and the start point. Returns plain values that `cnn_core.optimisers.race` takes."""

from __future__ import annotations

import streamlit as st

from cnn_core.optimisers import SURFACES, Constants, Surface

LEARNING_RATES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0)
BETA_2S = (0.5, 0.9, 0.99, 0.999, 0.9999)
EPSILONS = (1e-8, 1e-7, 1e-6, 1e-4, 1e-2, 0.1, 1.0)
STEPS = (5, 300)
DEFAULT = Constants()


def _choices(options: tuple[float, ...], default: float) -> tuple[float, ...]:
    return tuple(sorted({*options, default}))


def surface_picker() -> tuple[str, Surface]:
    key = st.radio(
        "Loss surface",
        list(SURFACES),
        format_func=lambda k: SURFACES[k].name,
        horizontal=True,
        key="opt_surface",
        help="Both have one lowest point; the valley floor is what makes them hard.",
    )
    return key, SURFACES[key]


def controls(key: str, surface: Surface) -> tuple[Constants, int, tuple[float, float]]:
    """The widgets; the learning rate, steps and start have one key per surface (each starts at its own)."""
    c1, c2, c3 = st.columns(3)
    with c1:
        lr = st.select_slider(
            "Learning rate (all four)",
            _choices(LEARNING_RATES, surface.learning_rate),
            value=surface.learning_rate,
            format_func=lambda v: f"{v:g}",
            key=f"opt_lr_{key}",
            help="Shared by all four; it means a different thing to each (see 'The same learning rate?').",
        )
        steps = st.slider("Steps", *STEPS, value=surface.steps, key=f"opt_steps_{key}")
        x0 = st.slider("Start x", *surface.x_range, value=surface.start[0], step=0.1, key=f"opt_x0_{key}")
        y0 = st.slider("Start y", *surface.y_range, value=surface.start[1], step=0.1, key=f"opt_y0_{key}")
    with c2:
        momentum = st.slider(
            "Momentum (momentum path)",
            0.0,
            0.99,
            value=DEFAULT.momentum,
            step=0.01,
            key="opt_momentum",
            help="The fraction of the last step carried into the next; 0 makes it plain gradient descent.",
        )
        rho = st.slider(
            "rho (RMSprop)",
            0.0,
            0.999,
            value=DEFAULT.rho,
            step=0.001,
            key="opt_rho",
            help="How slowly RMSprop's average of squared gradients forgets.",
        )
    with c3:
        beta_1 = st.slider(
            "beta_1 (Adam)",
            0.0,
            0.999,
            value=DEFAULT.beta_1,
            step=0.001,
            key="opt_beta_1",
            help="How slowly Adam's average of gradients (its momentum-like part) forgets.",
        )
        beta_2 = st.select_slider(
            "beta_2 (Adam)",
            _choices(BETA_2S, DEFAULT.beta_2),
            value=DEFAULT.beta_2,
            format_func=lambda v: f"{v:g}",
            key="opt_beta_2",
            help="How slowly Adam's average of squared gradients (its RMSprop-like part) forgets.",
        )
        epsilon = st.select_slider(
            "epsilon (RMSprop and Adam)",
            _choices(EPSILONS, DEFAULT.epsilon),
            value=DEFAULT.epsilon,
            format_func=lambda v: f"{v:g}",
            key="opt_epsilon",
            help="Added to a square root in the step's denominator so it never divides by 0.",
        )
    constants = Constants(
        learning_rate=float(lr),
        momentum=float(momentum),
        rho=float(rho),
        beta_1=float(beta_1),
        beta_2=float(beta_2),
        epsilon=float(epsilon),
    )
    return constants, int(steps), (float(x0), float(y0))
