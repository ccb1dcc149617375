"""The Optimisers page's results: the picture with its caption, the loss chart, the outcome table and words."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cnn_core.optimisers import CLOSE, Constants, Outcome, Path, Surface
from ui.optimisers import figures, text
from ui.optimisers.figures import NAMES

Race = dict[str, tuple[Path, Outcome]]


def _ending(o: Outcome) -> str:
    name = NAMES[o.kind]
    if o.diverged_at is not None:
        return f"{name} blew up at step {o.diverged_at} (its steps kept growing)"
    if o.first_close is None:
        reached = f"never below {CLOSE:g}"
    elif o.final_loss >= CLOSE:
        reached = f"below {CLOSE:g} at step {o.first_close}, then above it again"
    else:
        reached = f"first below {CLOSE:g} at step {o.first_close}"
    return f"{name} ended at loss {o.final_loss:.3g}, {o.distance:.3g} from the minimum ({reached})"


def race_caption(surface: Surface, race: Race) -> str:
    """A text summary of the picture: the surface, the start, and where each path ended (all computed)."""
    start = next(iter(race.values()))[0].points[0]
    first = next(iter(race.values()))[1]
    return (
        f"Contours of {surface.describe()}; lighter is lower, the colour bar gives the loss; the circle marks the start, the cross the minimum. All four start at "
        f"({start[0]:g}, {start[1]:g}), loss {first.start_loss:.3g}, and take up to {first.steps} steps. "
        + "; ".join(_ending(o) for _, o in race.values())
        + "."
    )


def outcome_table(race: Race) -> pd.DataFrame:
    rows = []
    for _, o in race.values():
        rows.append(
            {
                "optimiser": NAMES[o.kind],
                "steps": o.steps,
                "final loss": o.final_loss,
                "distance to minimum": o.distance,
                f"first step with loss < {CLOSE:g}": "never" if o.first_close is None else str(o.first_close),
                "first step's length": o.first_step,
                "blew up at step": "-" if o.diverged_at is None else str(o.diverged_at),
            }
        )
    return pd.DataFrame(rows)


def show_race(surface: Surface, race: Race, constants: Constants) -> None:
    st.plotly_chart(figures.race_figure(surface, race), width="stretch", key="opt_race")
    st.caption(race_caption(surface, race))
    st.plotly_chart(figures.loss_figure(race), width="stretch", key="opt_losses")
    st.caption(
        "The loss after every step, one line per optimiser (line styles as above), on a log scale: a straight "
        f"downward line means the loss shrinks by the same factor each step. Losses below {figures.FLOOR:g} are "
        f"drawn at {figures.FLOOR:g}."
    )
    st.dataframe(
        outcome_table(race).style.format(
            {"final loss": "{:.3g}", "distance to minimum": "{:.3g}", "first step's length": "{:.3g}"}
        ),
        hide_index=True,
    )
    with st.expander("The same learning rate?"):
        st.markdown(text.same_learning_rate({k: o.first_step for k, (_, o) in race.items()}, constants.learning_rate))


def show_explanations(constants: Constants) -> None:
    st.subheader("What each one does")
    for name, words in text.what_each_does(constants).items():
        st.markdown(f"**{name}.** {words}")
    st.subheader('Adam is not "on top of" SGD')
    st.markdown(text.correction())
    st.subheader('The article\'s "Delta and Gamma"')
    st.markdown(text.delta_and_gamma())
    with st.expander("The exact update rules (as Keras computes them)"):
        for name, rule in text.RULES.items():
            st.markdown(f"**{name}**")
            st.latex(rule)
        st.caption(text.RULES_NOTE)
