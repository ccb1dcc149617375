"""AppTest of the Draw page: a canvas value is injected through session_state (the canvas is a custom component)."""

import io

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from cnn_core.architecture import PRESETS
from cnn_core.samples import load_samples
from tests.support import big_png as big_png
from tests.support.canvas import canvas_value, drawn, html_of
from ui import state
from ui.draw.inputs import CANVAS_PREFIX

PROMPT = "Draw a digit"


@pytest.fixture(scope="module")
def samples():
    return load_samples()


@pytest.fixture
def at():
    app = AppTest.from_file("../../app.py", default_timeout=90)
    app.run()
    app.switch_page("app_pages/draw.py")
    app.run()
    assert not app.exception
    return app


def test_empty_canvas_shows_the_prompt_and_no_metric(at):
    assert any(PROMPT in i.value for i in at.info)
    assert len(at.metric) == 0
    at.session_state[CANVAS_PREFIX + "0"] = canvas_value(drawn(np.zeros((28, 28), np.uint8)))
    at.run()
    assert any(PROMPT in i.value for i in at.info) and len(at.metric) == 0


@pytest.mark.parametrize("i", [0, 1, 2])
def test_a_drawn_digit_shows_the_prediction(at, samples, i):
    at.session_state[CANVAS_PREFIX + "0"] = canvas_value(drawn(samples.images[i], top=20 + 20 * i, left=90 - 30 * i))
    at.run()
    assert not at.exception
    m = [m for m in at.metric if m.label == "Prediction"]
    assert len(m) == 1 and m[0].value == str(samples.labels[i])
    assert "%" in m[0].delta
    assert at.session_state[state.DRAWN_DIGIT].shape == (28, 28)
    assert any("Shipped seed model" in c.value for c in at.caption)
    layers = html_of(at)
    assert "floor((28 - 3 + 0) / 1) + 1 = 26" in layers and "3*3*32*64 + 64 = 18,496" in layers
    for q in ("Q22. What do the feature maps look like after the first convolution?", "Q26.", "Q27.", "Q29.", "Q30."):
        assert f'<summary style="cursor:pointer">{q}' in layers
    assert layers.count("data:image/png;base64,") >= 9 + 2 + 1 + 2  # 9 layers, saliency, steps, focus
    assert not at.error


def test_clear_gives_a_fresh_canvas(at, samples):
    at.session_state[CANVAS_PREFIX + "0"] = canvas_value(drawn(samples.images[0]))
    at.run()
    assert len(at.metric) == 1
    next(b for b in at.button if b.label == "Clear").click()
    at.run()
    assert len(at.metric) == 0 and any(PROMPT in i.value for i in at.info)


def test_switching_a_step_off_keeps_a_prediction(at, samples):
    at.session_state[CANVAS_PREFIX + "0"] = canvas_value(drawn(samples.images[0], side=100))
    at.session_state["draw_steps"] = ["crop", "scale", "place", "centre"]  # normalise off
    at.run()
    assert not at.exception and len(at.metric) == 1
    note = next(c.value for c in at.caption if c.value.startswith("The network's input"))
    assert float(note.rstrip(".").split(" to ")[-1]) > 100  # raw 0-255 values reach the network


def test_test_image_from_evaluate_and_back(at, samples):
    at.session_state[state.DRAW_TEST_IMAGE] = 7349
    at.run()
    _, label = samples.by_test_index(7349)
    assert at.metric[0].value == str(label)
    next(b for b in at.button if b.label == "Back to drawing").click()
    at.run()
    assert at.session_state[state.DRAW_TEST_IMAGE] is None
    assert any(PROMPT in i.value for i in at.info)


def test_unknown_test_image_gives_a_warning(at, mnist):
    at.session_state[state.DRAW_TEST_IMAGE] = 123_456
    at.run()
    assert not at.exception and len(at.metric) == 0
    assert any("There is no test image #123456" in w.value for w in at.warning)


def test_test_image_outside_the_samples_comes_from_mnist(at, mnist):
    _, (_, y) = mnist
    at.session_state[state.DRAW_TEST_IMAGE] = 5000
    at.run()
    assert not at.exception and at.metric[0].value == str(y[5000])


def test_several_models_offer_a_selector(at, samples):
    from cnn_core.nn.model import build_model
    from tests.support.runs import stored_run
    from ui.store import store

    small = build_model(PRESETS["small"])  # untrained: any answer will do, the point is which model answers
    run = stored_run(store(), "d" * 32, PRESETS["small"], small)
    at.session_state[state.OWNER_KEY] = "d" * 32  # the learner who owns the run
    at.run()
    sel = at.selectbox(key="draw_model")
    assert sel.value == run.id  # the latest usable run is the active one
    at.session_state[CANVAS_PREFIX + "0"] = canvas_value(drawn(samples.images[0]))
    at.run()
    assert not at.exception and len(at.metric) == 1
    assert any(run.label in c.value for c in at.caption)
    assert "<b>conv2</b>" in html_of(at) and "<b>conv3</b>" not in html_of(at)  # the small network has two blocks


def _upload(at, name: str, data: bytes):
    at.segmented_control(key="draw_source").set_value("Upload a photo").run()
    at.get("file_uploader")[0].upload(name, data, "image/png").run()
    assert not at.exception
    return [w.value for w in at.warning] + [e.value for e in at.error]


def _png(a: np.ndarray, mode: str | None = None) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(a, mode).save(buf, format="PNG")
    return buf.getvalue()


_NOISE = np.random.default_rng(0).integers(0, 256, (200, 200), dtype=np.uint8)


@pytest.mark.parametrize(
    "data,words",
    [
        (_png(np.full((120, 90), 255, np.uint8)), "No ink found"),
        (_png(np.zeros((120, 90, 4), np.uint8), "RGBA"), "No ink found"),  # fully transparent
        (_png(np.where(np.eye(120, dtype=bool), 235, 240).astype(np.uint8)), "Too little contrast"),
        (_png(_NOISE), "noise rather than a digit"),
    ],
)
def test_an_unreadable_upload_says_what_was_found(at, data, words):
    messages = _upload(at, "photo.png", data)
    assert any(words in m for m in messages), messages
    assert len(at.metric) == 0
    assert not any(PROMPT in i.value for i in at.info)  # no talk of a black square that is not there


@pytest.mark.parametrize("side", [12_000, 20_000])
def test_a_huge_upload_is_told_the_megapixel_limit(at, side):
    messages = _upload(at, "huge.png", big_png.flat_png(side, side))
    assert any(f"The picture is {side} x {side} pixels; the limit is 40 megapixels." in m for m in messages), messages


def test_a_canvas_scribbled_almost_white_is_not_a_digit(at):
    rgba = np.zeros((280, 280, 4), np.uint8)
    rgba[..., 3] = 255
    rgba[10:270, 5:275, :3] = 255
    rgba[100:120, 100:180, :3] = 0  # a few black gaps
    at.session_state[CANVAS_PREFIX + "0"] = canvas_value(rgba)
    at.run()
    assert len(at.metric) == 0
    assert any("This is not a digit: ink covers" in w.value for w in at.warning)


def test_the_canvas_is_never_inverted(at, samples):
    rgba = drawn(samples.images[0], top=50, left=50, side=180)
    rgba[:24, :, :3] = rgba[-24:, :, :3] = rgba[:, :24, :3] = rgba[:, -24:, :3] = 255  # strokes along every edge
    at.session_state[CANVAS_PREFIX + "0"] = canvas_value(rgba)
    at.run()
    assert not any("inverted first" in i.value for i in at.info)
    assert len(at.metric) == 1 and not at.exception


def test_draw_settings_survive_switching_to_upload_and_back(at):
    at.slider(key="draw_stroke").set_value(35).run()
    at.segmented_control(key="draw_source").set_value("Upload a photo").run()
    at.segmented_control(key="draw_source").set_value("Draw").run()
    assert at.slider(key="draw_stroke").value == 35


def test_a_drawing_is_sent_with_its_label_and_kept(at, samples):
    """Send needs the digit the learner meant; once sent, the store has the 28x28 input, the label and the answer."""
    from cnn_core.store import drawings
    from ui import ownership  # noqa: F401 - the page made this session's learner
    from ui.draw.submit import LABEL_KEY
    from ui.store import store

    at.session_state[CANVAS_PREFIX + "0"] = canvas_value(drawn(samples.images[3]))
    at.run()
    send = next(b for b in at.button if b.label == "Send")
    send.click().run()  # no label picked yet
    assert not at.exception
    assert any("Pick the digit you meant" in e.value.replace("\\", "") for e in at.error)
    meant = next(s for s in at.selectbox if s.key.startswith(LABEL_KEY))
    meant.set_value(int(samples.labels[3])).run()
    next(b for b in at.button if b.label == "Send").click().run()
    assert not at.exception
    assert any("Sent as a" in s.value for s in at.success)
    from cnn_core.jobs import owner_hash
    from cnn_core.store.tables import Learner

    with store().session() as s:
        me = s.query(Learner).filter_by(token_hash=owner_hash(at.session_state[state.OWNER_KEY])).one()
    x, y, meta = drawings.of_learner(store(), me.id)
    assert list(y) == [int(samples.labels[3])] and x.shape == (1, 28, 28)
    assert meta[0]["predictions"][0]["digit"] == int(at.metric[0].value)
