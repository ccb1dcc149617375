"""The Kernels page's explanations (answers to the seed questions, in our own words)."""

INTRO = """
A **kernel** (or filter) is a small grid of numbers. Slide it over a picture: at each
place, multiply the pixels under it by the matching weights and add the products up.
That one number becomes one pixel of a new picture, the **feature map** (Q6, Q15). Which
weights you choose decides what the new picture shows: a blur, sharper strokes, or only
the edges (Q7). A CNN does exactly this, except that it *learns* its weights from examples
instead of being handed them.
"""

NOT_SPOILED = """
**Does filtering spoil the picture? (Q8)** The input is never changed: the filter writes a
new array beside it. Some detail is thrown away on purpose (a blur hides fine noise, an edge
detector forgets flat areas), because the point is to keep what matters for recognising the
digit. A CNN keeps many filters side by side, so what one drops, another can keep.
"""

KERNEL_SHAPES = """
**What kernels look like (Q10-Q14).** The simplest is 3x3: nine weights. Weights that are all
positive and sum to 1 *average* the neighbourhood, so they blur (box, Gaussian). A large
positive centre with negative neighbours *exaggerates* differences, so it sharpens. Weights
that sum to 0, positive on one side and negative on the other, give 0 on flat areas and a
strong answer where brightness changes: they find edges (Sobel, Prewitt, Laplacian).
Kernels can be bigger (5x5, 15x15) and follow any pattern; in a CNN they are whatever
training finds useful.
"""

BORDERS = """
**What happens at the border? (Q9)** A window centred on a border pixel hangs over the edge.
*No padding (valid)*: only windows that fit are used, so the output shrinks by K - 1 pixels
(a 28x28 digit becomes 26x26 with a 3x3 kernel, Q20). The other modes invent the missing
pixels so the output keeps the input's size: *zero* adds black pixels (Keras' `padding="same"`),
*reflect* mirrors the picture, *replicate* repeats the edge pixel, *wrap* takes pixels from
the opposite side.
"""

STRIDE = """
**Stride (Q21).** The stride is how far the window jumps between two outputs. With stride 2 it
skips every other position, so the output is about half as wide and high (a quarter of the
pixels) and the work is cut as much; detail between the positions is not looked at.
"""

NEGATIVE = """
Edge kernels have negative weights, so their outputs can be negative (a dark-to-bright step
one way gives a positive answer, the other way a negative one). A picture cannot show a
negative brightness, so the **raw** view uses blue for negative, red for positive and white
for 0; the **0-255 picture** view stretches the smallest output to black and the largest to white.
"""

STEP = """
**How the kernel is applied, one window at a time (Q15, Q16).** Pick an output pixel: its
window is outlined on the input (with padding marked by x), then the window's values, the
kernel, their element-wise products and the sum. The sum *is* the output pixel.
"""

FLIP = """
**Cross-correlation or convolution?** Keras' `Conv2D` slides the kernel as it is: that is
*cross-correlation*. Textbook *convolution* first rotates the kernel by 180 degrees. For
symmetric kernels (blurs, Laplacian) the two agree; for Sobel, emboss or a lopsided custom
kernel they differ. A CNN learns its weights, so it does not matter which one it computes,
as long as we name it honestly.
"""

POOLING = """
**Pooling (Q24, Q25).** Pooling shrinks a feature map by summarising each small window with
one number. It keeps the strongest evidence while throwing away exactly where it was, which
makes the network cheaper and a little less sensitive to small shifts of the digit.
**Max pooling** keeps the largest value of each window (the most common choice in CNNs);
**average pooling** keeps the mean, which smooths. Pooling has no weights to learn.
Edit the matrix below and watch both.
"""
