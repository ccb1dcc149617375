"""The Optimisers page's words: what each optimiser does, the article's "Adam on top of SGD" corrected,
its "Delta and Gamma" placed, and Keras' exact update rules. Every constant quoted is read from a setting."""

from __future__ import annotations

from cnn_core.architecture import SEED_RECIPE
from cnn_core.optimisers import Constants

INTRO = (
    "Training moves the weights downhill on a loss surface with millions of directions. Here the surface has "
    "just two, x and y, so you can watch four optimisers walk it from the same start with the same learning "
    "rate. Each picture is computed live with the update rules Keras uses (checked against Keras step by step)."
)


def what_each_does(c: Constants) -> dict[str, str]:
    """Two sentences per optimiser, in our words, quoting the constants set on the page."""
    return {
        "Gradient descent": (
            "Every step goes straight downhill: minus the learning rate times the gradient, so a steep wall "
            "gives a big step and a nearly flat floor a tiny one. In a narrow valley it bounces from wall to "
            "wall while it crawls along the floor towards the minimum."
        ),
        "Momentum": (
            f"Each step is the new downhill push plus a fraction ({c.momentum:g}, the momentum) of the previous "
            "step, so pushes that keep their direction add up and pushes that flip back and forth cancel. "
            "It gathers speed along a valley floor, but it also carries its swings across the valley from "
            "step to step, so with momentum near 1 it can overshoot the minimum and circle back."
        ),
        "RMSprop": (
            "It keeps, for each coordinate, a running average of the squared gradient (rho = "
            f"{c.rho:g} sets how slowly that average forgets) and divides the step by its square root. "
            "Steep and flat directions then take steps of similar size, of the order of the learning rate "
            "each, which straightens the path through a valley."
        ),
        "Adam": (
            f"It keeps two running averages: of the gradient (beta_1 = {c.beta_1:g}), which points the way "
            f"as momentum does, and of the squared gradient (beta_2 = {c.beta_2:g}), which scales each "
            "coordinate as RMSprop does. Both averages start at zero, so Adam divides them by how much weight "
            f"they have gathered so far (its bias correction), and epsilon ({c.epsilon:g}) keeps the division "
            "safe when a gradient is 0."
        ),
    }


def correction() -> str:
    """The article's 'Adam on top of SGD', corrected; the batch size is the seed recipe's."""
    return (
        'The article says it uses Adam "on top of" SGD. Adam is not added over SGD: it is a different update '
        "rule that replaces SGD's, built from a momentum-like average of the gradients and an RMSprop-like "
        'average of their squares, with a bias correction. The "stochastic" in SGD (stochastic gradient '
        "descent) is about something else: each step's gradient is computed from a random mini-batch of "
        f"images rather than all of them (batches of {SEED_RECIPE.batch_size} in the seed recipe). Keras does "
        "that for every optimizer it trains with, Adam and RMSprop included. On this page the surface is one "
        "fixed function, so every path follows the exact gradient: no mini-batches, no noise."
    )


def delta_and_gamma() -> str:
    """Which of Adam's constants the article's 'Delta and Gamma' are (our reading, said as such)."""
    r = SEED_RECIPE
    return (
        'The article names two hyper-parameters, "Delta" and "Gamma", and gives their usual values in a '
        "picture that is missing from its text; Keras uses neither name. Adam has three constants besides the "
        f"learning rate: beta_1 ({r.beta_1:g}) and beta_2 ({r.beta_2:g}), how slowly its two running averages "
        f"forget, and epsilon ({r.epsilon:g}), the small number added before dividing. Our reading: "
        '"Gamma" is a decay rate of a running average (several texts write the momentum fraction and '
        "RMSprop's forgetting rate as gamma), so Keras' beta_1 and beta_2; \"Delta\" is the small stabilising "
        "constant (the textbook *Deep Learning* by Goodfellow, Bengio and Courville writes it delta), so "
        "Keras' epsilon. The values shown are Keras' defaults, which the Train page starts from."
    )


def same_learning_rate(first_steps: dict[str, float], lr: float) -> str:
    """Why one learning rate gives four different first steps (lengths computed from the paths)."""
    s = {k: f"{v:.3g}" for k, v in first_steps.items()}
    return (
        f"With the same learning rate ({lr:g}) the first steps were {s['gd']} (gradient descent), "
        f"{s['momentum']} (momentum), {s['rmsprop']} (RMSprop) and {s['adam']} (Adam) long. Gradient descent "
        "and momentum step by the learning rate times the gradient, so their step depends on how steep the "
        "surface is; RMSprop and Adam divide by the gradient's size, so each coordinate moves by about the "
        "learning rate whatever the slope. RMSprop's first steps are longer still because its average starts "
        "at 0 and is not corrected for that; Adam's is."
    )


# Keras 3's update rules (keras/src/optimizers/sgd.py, rmsprop.py, adam.py), as cnn_core.optimisers runs them.
RULES = {
    "Gradient descent (Keras SGD, momentum 0)": r"p \leftarrow p - \eta\, g",
    "Momentum (Keras SGD)": r"v \leftarrow \mu v - \eta\, g, \qquad p \leftarrow p + v",
    "RMSprop": r"s \leftarrow \rho s + (1-\rho)\, g^2, \qquad p \leftarrow p - \frac{\eta\, g}{\sqrt{s + \epsilon}}",
    "Adam": (
        r"m \leftarrow \beta_1 m + (1-\beta_1)\, g, \quad s \leftarrow \beta_2 s + (1-\beta_2)\, g^2, \quad "
        r"p \leftarrow p - \eta\,\frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}\,\frac{m}{\sqrt{s} + \epsilon}"
    ),
}
RULES_NOTE = (
    "p is the point (the weights), g the gradient there, η the learning rate, t the step number; squares and "
    "roots are taken per coordinate. Note where epsilon sits: inside the root for RMSprop, outside it for Adam, "
    "whose bias correction is folded into the step size."
)
