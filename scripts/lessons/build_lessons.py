"""Writes the lesson notebooks in Lessons/ (without outputs) from the text below.

From the repository root:

    .venv/bin/python scripts/lessons/build_lessons.py          # rewrite Lessons/*.ipynb
    .venv/bin/python scripts/lessons/build_lessons.py --check  # fail if they are stale

Each lesson is a list of Markdown and code cells. A code cell may carry checks in its metadata
(`latent.checks`) that Tests/python/test_lessons.py applies to the executed notebook: a picture
must be present, the number the cell prints must be under (or over) a bound, or a digit's dots
on an `embed` map must lie where and as the text says (`on_the_map`). The bounds are the same
constants that the Markdown quotes, so the text and the test cannot drift apart.
"""

import argparse
import sys
import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[2]
LESSONS = ROOT / "Lessons"

KERNELSPEC = {"name": "latent", "display_name": "Latent", "language": "latent"}
LANGUAGE_INFO = {"name": "latent", "file_extension": ".latent", "mimetype": "text/x-latent"}


def join(parts):
    """Each part dedented on its own (so interpolated blocks keep their indentation), then
    joined with a blank line between parts."""
    return "\n\n".join(textwrap.dedent(part).strip("\n") for part in parts)


def md(*parts):
    return new_markdown_cell(join(parts))


def code(*items):
    """A code cell from text parts; dict items are checks on its output."""
    cell = new_code_cell(join(item for item in items if isinstance(item, str)))
    checks = [item for item in items if isinstance(item, dict)]
    if checks:
        cell.metadata["latent"] = {"checks": checks}
    return cell


WIDGET = {"kind": "widget"}  # the cell shows a Jupyter widget (explore's sliders)


def picture(animated=False, aspect=None):
    """The cell shows at least one picture (PNG or SVG) whose size metadata is right; optionally
    an animated one, or one whose width/height lies in `aspect` (low, high)."""
    check = {"kind": "picture"}
    if animated:
        check["animated"] = True
    if aspect:
        check["aspect"] = list(aspect)
    return check


# Width/height of digit grids: two rows of ten (inputs over outputs), one row of nine, six by six.
TWO_ROWS_OF_TEN = (3.0, 4.5)
ONE_ROW_OF_NINE = (4.0, 8.0)
SQUARE_GRID = (0.6, 1.6)


def seed_dense(name, code_line):
    """Seed 002's dense autoencoder, 784-250-16 / 16-320-784, with the given code layer."""
    return f"model {name}:\n    dense 250 relu\n    {code_line}\n    dense 320 relu\n    dense 784 sigmoid"


FIT_DENSE = "batch 200 loss mse optimizer adam lr 0.001"


def below(bound):
    """The number in the cell's result is under `bound`."""
    return {"kind": "below", "value": bound}


def above(bound):
    """The number in the cell's result is over `bound`."""
    return {"kind": "above", "value": bound}


def findings(*titles):
    """The cell shows Latent's diagnosis (after `train`, or from `why`) with these findings. Every
    other cell must show none: a healthy model gets no word."""
    return {"kind": "findings", "titles": list(titles)}


def on_the_map(digit, *, edge=None, most_compact=False, least_mixed=False, mixed_above=None, nearest_other=None):
    """The cell's `embed` map (its SVG: one circle per dot, grouped by the colour its legend gives
    each digit) shows `digit`'s dots as the text describes them, measured in the picture's own
    coordinates. `edge` ("top", "bottom", "left" or "right"): their centre lies beyond every
    other digit's centre on that side. `most_compact`: their RMS distance from their centre is the
    smallest of all digits. A dot is *mixed* when its nearest dot is of another digit;
    `least_mixed`: the share of mixed dots is smaller for `digit` than for any other digit;
    `mixed_above`: it is over this bound (a group apart from the rest has about none).
    `nearest_other`: the digit met most often among the nearest dots of other digits."""
    check = {"kind": "map", "digit": digit}
    if edge:
        check["edge"] = edge
    if most_compact:
        check["most_compact"] = True
    if least_mixed:
        check["least_mixed"] = True
    if mixed_above is not None:
        check["mixed_above"] = mixed_above
    if nearest_other is not None:
        check["nearest_other"] = nearest_other
    return check


# ---------------------------------------------------------------------------------------------
# 1. Welcome

TINY_LOSS = 0.055  # PyTorch, same run: 0.048


def welcome():
    return [
        md(
            """
            # 1. Welcome to Latent

            This notebook runs on the **Latent** kernel. Its cells do not hold Python: they hold a
            small language with one purpose, which is to build autoencoders, train them a little at
            a time and look at what they have learned.

            Three habits cover almost everything:

            - **One statement a line.** A cell may hold as many lines as you like; `#` starts a
              comment.
            - **Run a cell with Shift+Enter.** Its output appears right under it. Training shows a
              progress bar that fills while you watch, and a small table of epochs when it ends.
            - **One session remembers everything.** Whatever a cell creates (a dataset, a model,
              its weights and its loss history) is still there for the next cell, until you
              restart the kernel. A model trained for three epochs remembers them: the next
              `train` goes on from there.

            The first cell is the traditional one.
            """
        ),
        code('print "hello, world"'),
        md(
            """
            ## MNIST at a glance

            All the lessons use MNIST, a collection of 70,000 handwritten digits: 60,000 to learn
            from and 10,000 kept apart for testing. Each digit is a 28 × 28 grid of grey levels,
            which makes 784 numbers per image. Latent carries the files with it, so nothing is
            downloaded, and it scales the pixels to run from 0 (background) to 1 (full ink).
            """
        ),
        code("data = mnist"),
        md("A bare name on a line shows what it holds: its sizes, the shape of an image, the range of its pixels, how many of each digit."),
        code("data"),
        md(
            """
            Square brackets pick images. `[0:16]` means positions 0 to 15 (the end is left out, as
            in most programming languages); `[label 3]` keeps only the threes.
            """
        ),
        code("show data.test[0:16]", picture()),
        code("show data.train[label 3][0:8]", picture()),
        md(
            """
            Look at how much of each picture is black. Averaged over the whole set, a pixel's
            brightness is only about 0.13: most of an MNIST image is empty background. That number
            will come back in lesson 3, where it explains why a network can look as if it learned
            something when it has learned nothing at all.

            Full MNIST is more than a first experiment needs. `train` and `test` after `mnist`
            take the first so many images of each part:
            """
        ),
        code("small = mnist train 6000 test 1000"),
        md(
            """
            ## A first model in four lines

            An *autoencoder* is a network trained to hand back its own input. That would be a dull
            job, except that it has to pass every image through a narrow middle layer, the
            `latent` layer. Here it holds 8 numbers, so each 784-pixel digit must be squeezed
            into 8 numbers (its *code*) and then rebuilt from them alone. The layers above
            `latent` are the *encoder*; the layers below it, the *decoder*.

            A model is a block: a header line that ends in `:`, and its layers indented under it.
            """
        ),
        code(
            """
            model tiny:
                dense 64 relu
                latent 8
                dense 784 sigmoid
            """
        ),
        md(
            """
            `summary` lists the layers with the shape of what comes out of each and how many
            weights it holds. The last layer has 784 outputs, one per pixel, squashed into the
            range 0 to 1 by `sigmoid`, just like the pixels themselves.
            """
        ),
        code("summary tiny"),
        md(
            """
            Now train. One *epoch* is one pass over the 6,000 training images; `batch 100` means
            the weights are adjusted after every 100 images. Options left out (the loss, the
            optimizer, its learning rate) take the defaults listed by `help train`. `seed` makes
            the run repeatable: the same seed gives the same weights every time.

            While it trains, the cell's output changes in place a few times a second: the progress
            line, a chart of the loss (the solid line is each batch's training loss, smoothed; a
            dashed line joins the test loss measured after each epoch), and eight test digits above
            what the model makes of them right now. Watch the bottom row turn from grey fog into
            digits while the line falls. (`live off` keeps the progress bar alone.)
            """
        ),
        code(
            """
            seed 1
            train tiny on small epochs 3 batch 100
            """
        ),
        md("`reconstruct` puts test digits (top row) over what the model makes of them (bottom row)."),
        code("reconstruct tiny small.test[0:8]", picture()),
        md(
            """
            Blurry, but recognisable after a moment's training. Train three more epochs: the model
            continues from where it stopped, with the same settings.
            """
        ),
        code("train tiny epochs 3"),
        md(
            f"""
            `tiny.loss` is the model's latest loss on the test images: the mean squared difference
            between a pixel and its reconstruction. After these six epochs it should be under
            **{TINY_LOSS}**.
            """
        ),
        code("tiny.loss", below(TINY_LOSS)),
        code("reconstruct tiny small.test[0:8]", picture()),
        md("`who` lists everything the session holds; `help` lists every statement."),
        code("who"),
        code("help train"),
        md(
            """
            ## Things to try

            1. Misspell a word on purpose, say `dens 64 relu` in a model. The answer points at the
               place, says what it expected, and nothing in the session is lost.
            2. Redefine `tiny` with `latent 2` instead of `latent 8`, train it for six epochs and
               reconstruct again. Which digits survive being squeezed into two numbers?
            3. Show the sevens: `show data.train[label 7][0:16]`. How many ways of writing a seven
               can you count?

            Next, lesson 2 builds a real autoencoder on all 60,000 digits.
            """
        ),
    ]


# ---------------------------------------------------------------------------------------------
# 2. A first autoencoder (seed 002, dense)

DENSE_EPOCHS = 8
DENSE_LOSS = 0.014  # Latent, linear code: 0.0120 after 8 epochs; the seed: about 0.01 after 50
# The PCA map of its codes (3,000 training digits), measured on the SVG's dots: the ones are
# the most compact group (RMS radius 37 px; the others 52 to 67), the topmost (centre at y 141;
# the next, the sevens, 203) and the least mixed, yet 103 of the 339 (30%; the other digits
# 48% to 80%) have a dot of another digit as their nearest dot; an eight is the nearest other
# dot of 193 of the ones, a six of 46, a nine of 28.
ONES_MIXED = 5  # more than one in ONES_MIXED of the ones have another digit as nearest dot


def dense_autoencoder():
    return [
        md(
            """
            # 2. A first autoencoder

            This lesson builds a dense autoencoder for the full MNIST, trains it in short bursts,
            and then asks what its codes look like: can we make new digits by inventing codes?

            The design is asymmetric on purpose. The encoder is one hidden layer of 250 units and
            a 16-number code; the decoder is a little stronger, with 320 hidden units, because
            rebuilding a picture is harder than summarising it.

            | part | layers |
            | --- | --- |
            | encoder | 784 pixels → 250 (ReLU) → **16 (tanh)** |
            | decoder | 16 → 320 (ReLU) → 784 (sigmoid) |

            The code layer uses `tanh`, so every coordinate of a code lies between −1 and 1. The
            output uses `sigmoid`, so every pixel it draws lies between 0 and 1, like the data.
            """
        ),
        code("data = mnist\nseed 2", seed_dense("ae", "latent 16 tanh"), "summary ae"),
        md(
            """
            ## Training, one epoch at a time

            The loss is the *mean squared error*: for each pixel, the square of the difference
            between input and output, averaged over the pixels and the images. The optimizer is
            Adam with a learning rate of 0.001, and the weights move after each batch of 200
            images, so one epoch is 300 small steps. Start with one epoch and look.
            """
        ),
        code(
            "train ae on data epochs 1 batch 200 loss mse optimizer adam lr 0.001",
            findings("output collapse", "saturated codes"),
        ),
        code("reconstruct ae data.test[0:10]", picture(aspect=TWO_ROWS_OF_TEN)),
        md(
            """
            ## The average digit

            Latent has already said, under the table, that something is wrong: after every
            `train` it looks inside the model, and here it names an output collapse and saturated
            codes, with the numbers it saw. The picture shows what that means. Every input gets
            (nearly) the same blurry blob back, and the test error sits near 0.068. That number has a meaning: it is the error of a network that ignores its
            input and always draws the *average* of all training digits, a smudge of a 0, 3 and 8
            on top of each other. It is the easiest way for the decoder to cut the error at the
            start, and this network has settled there. Why can't it leave? Look at the code:
            """
        ),
        code("histogram ae data.test dims 0:4", picture()),
        md(
            """
            The code coordinates are pinned: nearly every digit gets the same value, at or near
            the end of `tanh`'s range. Where `tanh` is flat, a small change in its input changes
            nothing in its output, so no gradient reaches the encoder: the decoder sees the same
            code for every digit and can do no better than the average.

            This is not bad luck of one framework. We trained this exact network in PyTorch on
            this machine, started the way Keras starts it (the original tutorial's framework):
            with six different random seeds, every run sat on the average digit after the first
            epoch, and four of the six were still there after the second; the one we followed
            for 12 epochs had crawled down to 0.042 by then. Latent's run with this seed took 20
            epochs to get under 0.04. The original tutorial got there in the end: about 0.01
            after 50 epochs. PyTorch's own start (lesson 3 meets it as `init pytorch`) gets this
            code moving: the same model from the same `seed 2`, defined with it, left the average
            digit in our run at once, 0.0574 after one epoch and 0.0324 after five, while this
            one stayed at 0.0676 for all five.

            The tutorial also remarks that the code needs no `tanh`: ReLU, sigmoid or no
            activation at all do as well. Take the last: a *linear* code cannot flatten out, so it
            always passes a gradient back. Define the model again (the old one is replaced, and
            Latent says so) with a bare `latent 16`:
            """
        ),
        code("seed 2\n" + seed_dense("ae", "latent 16"), f"train ae on data epochs 1 {FIT_DENSE}"),
        code("reconstruct ae data.test[0:10]", picture(aspect=TWO_ROWS_OF_TEN)),
        md(
            f"""
            After one epoch the digits are there, and the error is around a third of the average
            digit's. Now train on, in two bursts, watching the curve in between. The live chart
            under each `train` starts at this model's epoch 1: the solid training line falls
            steeply at first and then ever more slowly, and the dashed test line follows it.
            """
        ),
        code(f"train ae epochs {(DENSE_EPOCHS - 1) // 2}"),
        code("plot ae", picture()),
        code(f"train ae epochs {DENSE_EPOCHS - 1 - (DENSE_EPOCHS - 1) // 2}"),
        code("reconstruct ae data.test[0:10]", picture(aspect=TWO_ROWS_OF_TEN)),
        md(
            f"""
            After {DENSE_EPOCHS} epochs the test error should be under **{DENSE_LOSS}**, and the
            reconstructions keep each digit's slant and thickness.

            **Try it:** run `train ae epochs 12` (under a minute on a quiet machine). At 20 epochs
            this model reaches 0.0100, the figure the original tutorial's reached after 50; the
            curve flattens, so each extra epoch buys less than the one before.
            """
        ),
        code("ae.loss", below(DENSE_LOSS)),
        md(
            """
            ## Inventing codes

            The decoder is a machine that turns 16 numbers into a picture. What does it draw if
            we hand it 16 numbers of our own? The original tutorial, whose codes came from `tanh`
            and so lay between −1 and 1, drew each coordinate from a normal distribution centred
            on 0 with a spread of 0.33: three spreads make 1, so nearly all its draws landed
            inside the range the decoder knew. Try its recipe on our code:
            """
        ),
        code("generate ae 36 normal 0 0.33", picture(aspect=SQUARE_GRID)),
        md(
            """
            Faint smudges, nearly all alike. Our code is not confined to (−1, 1): its coordinates
            spread over ±20 (see the histograms below), so codes within ±1 all sit in a tiny
            region near the middle, where the decoder draws something like the average digit.
            Without `normal`, `generate` draws each coordinate from a normal fitted to the real
            codes of the training digits, with their centre and their spread:
            """
        ),
        code("generate ae 36", picture(aspect=SQUARE_GRID)),
        md(
            """
            Much better: some of these pass for handwriting. Many are still halfway between two
            digits, and clean ones are rare. To see why, look at how the real codes are spread.
            Here are the first four code coordinates over the training digits:
            """
        ),
        code("histogram ae data.train dims 0:4", picture()),
        md(
            """
            Taken one at a time, each coordinate is roughly bell-shaped, but each has its own
            centre and its own spread, and nothing in training asked for any particular
            distribution. That is why N(0, 0.33) missed, and why normals fitted one coordinate
            at a time did better. They are still not enough, because the coordinates are not
            independent: real digits occupy a thin, lumpy region of the 16-dimensional space, and
            a code whose coordinates are each plausible can still fall where no digit lies.

            ## A map of the code space

            Sixteen dimensions cannot be drawn, so squash them into two. *PCA* finds the two
            directions along which the codes vary most and projects every code onto them. Here
            are the codes of 3,000 training digits, one dot each, coloured by the digit it
            really is:
            """
        ),
        code(
            "embed ae data.train[0:3000] pca 2",
            picture(),
            on_the_map(1, edge="top", most_compact=True, least_mixed=True, mixed_above=1 / ONES_MIXED, nearest_other=8),
        ),
        md(
            f"""
            Most digits share one large, crowded region, where they blend into each other: that
            is why the invented digits were often half one thing and half another. The ones come
            closest to a place of their own, and even they do not quite have one. They make the
            most compact group on the map, at its top: a one is a single stroke with little ink
            and no loops, so ones vary less than other digits do. But nothing separates that
            group from the crowd. Its lower side runs into the rest, above all into the eights
            (an eight, too, is tall and narrow, with its ink down the middle). A smaller share
            of the ones than of any other digit has a dot of another digit as its nearest
            neighbour on the map; still, that share is more than one in {ONES_MIXED}, and the
            neighbour is most often an eight.

            The original tutorial drew this map with *kernel PCA*, which bends the space with a
            kernel before projecting, so that curved structure can show. Its usual kernel,
            exp(−γ·distance²) with γ = 1/16 for 16 coordinates, was made for codes between −1 and
            1 like the tutorial's. Try `embed ae data.train[0:3000] kernelpca 2` on ours: at
            distances of ten or twenty, every code looks infinitely far from every other, and
            every digit but the one collapses onto a single point; only ones stray from it.

            ## Questions

            1. Draw codes with a larger spread, `generate ae 36 normal 0 8`. Do the digits get
               bolder, stranger, or both?
            2. Which digits blur most in the reconstructions? Look at the eights with
               `reconstruct ae data.test[label 8][0:10]`.
            3. Go back to the `tanh` model and train it for 20 epochs (two or three minutes). Does
               it find its way off the plateau, and where is it after 20?
            4. Lesson 7 builds an autoencoder whose codes *are* asked to follow a bell curve.
               Before you get there: what would you expect its map to look like?
            """
        ),
    ]


# ---------------------------------------------------------------------------------------------
# 3. Going deep, and dropout (seed 000)

DEEP_EPOCHS = 3
STALL_ABOVE = 0.105  # stalled networks sit near the median picture's 0.126
DEEP_LEAKY_LOSS = 0.075  # Latent: 0.0661 after 3 epochs; PyTorch, same start, leaky 0.2: 0.096 after 1 (Latent 0.0957)
DEEP_INIT_LOSS = 0.08  # Latent, init pytorch: 0.0742 after 3 epochs; PyTorch, its own init: 0.073
DEEP_INIT_DROPPED_LOSS = 0.095  # Latent, init pytorch with dropout: 0.0849 after 3 epochs


def deep_and_dropout():
    layers_plain = """
        dense 512 relu
        dense 256 relu
        dense 128 relu
        latent 11
        dense 128 relu
        dense 256 relu
        dense 512 relu
        dense 784"""
    layers_dropout = """
        dense 512 relu dropout 0.2
        dense 256 relu dropout 0.2
        dense 128 relu dropout 0.2
        latent 11
        dense 128 relu dropout 0.2
        dense 256 relu dropout 0.2
        dense 512 relu dropout 0.2
        dense 784"""

    def block(name, layers, init=""):
        header = f"model {name} init {init}:" if init else f"model {name}:"
        return header + textwrap.indent(textwrap.dedent(layers), "    ")


    train_options = "batch 200 loss l1 optimizer adam lr 0.001"
    return [
        md(
            """
            # 3. Going deep, and dropout

            Lesson 2's network had one hidden layer on each side of the code. This one stacks
            three, narrowing 784 → 512 → 256 → 128 down to a code of just 11 numbers, then widens
            back through 128 → 256 → 512 → 784. Every hidden layer uses ReLU; the code and the
            output have no activation at all (a *linear* output, free to go below 0 or above 1).

            The loss changes too: *L1*, the mean absolute difference between pixels, instead of
            the mean squared one. The tutorial this lesson comes from trained this network and
            reported that it stalled, and that adding 20% dropout cured it. This lesson repeats
            the experiment, looks closely at what happens, and tells you honestly what we found.
            """
        ),
        code("data = mnist\nseed 3", block("plain", layers_plain)),
        md(
            """
            *Dropout* switches off a random fifth of a layer's units at each training step (a
            different fifth every time), so the network cannot lean on any single unit. At test
            time every unit works. `dropout 0.2` after a layer's activation adds it.
            """
        ),
        code(block("dropped", layers_dropout)),
        code("summary plain"),
        md(
            f"""
            Train both the same way: L1 loss, Adam at 0.001, batches of 200, {DEEP_EPOCHS} epochs.
            Each takes a little while; this network has about 1.1 million weights. Watch each live
            chart as it trains: a line that drops and then lies flat means the model has stopped
            learning, and the digits under it then all look alike.
            """
        ),
        code(
            f"""
            train plain on data epochs {DEEP_EPOCHS} {train_options}
            train dropped on data epochs {DEEP_EPOCHS} {train_options}
            """,
            findings("output collapse", "dead ReLUs"),
        ),
        md(
            """
            Under each table Latent has added a note: after every `train` it looks inside the
            model, and when something looks wrong it says what, with the numbers it saw and what
            to try. The rest of this lesson works through those two findings by hand. `why plain`
            asks for the same look at any time.
            """
        ),
        code("plot plain dropped", picture()),
        code("plain.loss", above(STALL_ABOVE)),
        code("dropped.loss", above(STALL_ABOVE)),
        md(
            """
            ## What went wrong

            Both curves drop in the first few hundred steps and then lie flat, at or just under
            0.126, with or without dropout. To see what that number means, recall from lesson 1
            that the average pixel has a brightness of about 0.13. A network that outputs an
            entirely black picture for every input is wrong, on average, by exactly the average
            brightness: an L1 of about 0.13. Our networks are barely better than that.

            L1 has a particular weakness here. If a network could output only one fixed picture,
            the best one under L1 would be the pixel-by-pixel *median* of the training set, and
            since more than half the digits leave almost every pixel black, that median is a black
            picture with a faint smudge in the middle. It scores 0.126. Let's look:
            """
        ),
        code("reconstruct plain data.test[0:10]", picture(aspect=TWO_ROWS_OF_TEN)),
        md(
            """
            Ten different digits in, (nearly) the same smudge out. The decoder is ignoring the
            code, so check the code itself. If the encoder had learned anything, the code
            coordinates would vary from digit to digit:
            """
        ),
        code("histogram plain data.test dims 0:4", picture()),
        md(
            """
            The codes hardly vary: each coordinate is one tall spike, or nearly so. This is the
            signature of *dead ReLUs*. A ReLU unit whose input is negative for every image
            outputs 0 for every image, and a unit that outputs a constant passes back no gradient,
            so nothing ever pushes it back to life. Early in training, the easiest way to cut an
            L1 loss on mostly-black pictures is to push the outputs towards black, and in doing so
            whole layers can switch off for good. From then on the network can only tune the
            constant smudge.

            ## What we measured, and the first cure

            This stall is real and not a quirk of Latent. We ran the same networks in PyTorch on
            the same machine, initialised as Keras (the original tutorial's framework) and Latent
            initialise by default: weights drawn uniformly with the Glorot rule, biases at zero.
            Both networks, with and without dropout, sat at an L1 of 0.1257 for 10 epochs, at
            batch 200 and at batch 32. So dropout is not, by itself, the cure.

            What did cure it in PyTorch was PyTorch's own default initialisation: smaller weights,
            scaled by each layer's number of inputs only, and small random biases instead of
            zeros, so that most units start out alive. With it, both networks learned, and the one
            *without* dropout learned better: 0.062 against 0.078 after 20 epochs.

            Latent can start a model that way too: `init pytorch` after the model's name (the
            default is `init glorot`, Keras's start). Build the same two networks with it, from
            the same seed, and train them the same short way.
            """
        ),
        code(
            "seed 3",
            block("torchplain", layers_plain, init="pytorch"),
            block("torchdropped", layers_dropout, init="pytorch"),
        ),
        code(
            f"""
            train torchplain on data epochs {DEEP_EPOCHS} {train_options}
            train torchdropped on data epochs {DEEP_EPOCHS} {train_options}
            """
        ),
        code("plot plain dropped torchplain torchdropped", picture()),
        md(
            f"""
            Same layers, same data, same training; only the first weights differ. The two new
            curves fall through the stall and keep falling. After {DEEP_EPOCHS} epochs the
            network without dropout should be under **{DEEP_INIT_LOSS}** (PyTorch, same network
            and start: 0.073) and the one with dropout under **{DEEP_INIT_DROPPED_LOSS}**, behind
            it, as in PyTorch:
            """
        ),
        code("torchplain.loss", below(DEEP_INIT_LOSS)),
        code("torchdropped.loss", below(DEEP_INIT_DROPPED_LOSS)),
        code("reconstruct torchplain data.test[0:10]", picture(aspect=TWO_ROWS_OF_TEN)),
        md(
            """
            ## A second cure: units that cannot die

            Keep Keras's start instead, and go straight at the cause. A *leaky* ReLU
            (`leakyrelu`) passes a fifth of a negative input through instead of nothing, so a
            unit is never completely silent and always sends some gradient back: it cannot die.
            Build the same two networks with it.
            """
        ),
        code(
            "seed 3",
            block("leaky", layers_plain.replace("relu", "leakyrelu")),
            block("leakydrop", layers_dropout.replace("relu", "leakyrelu")),
        ),
        code(
            f"""
            train leaky on data epochs {DEEP_EPOCHS} {train_options}
            train leakydrop on data epochs {DEEP_EPOCHS} {train_options}
            """
        ),
        code("plot plain dropped leaky leakydrop", picture()),
        md(
            f"""
            With leaky units both curves go on falling past the stall. After {DEEP_EPOCHS} epochs
            the network without dropout should be under **{DEEP_LEAKY_LOSS}** (PyTorch, same
            network and start: 0.096 after the first epoch, as here; compare `torchplain` after
            the same three epochs), and its reconstructions are digits again:
            """
        ),
        code("leaky.loss", below(DEEP_LEAKY_LOSS)),
        code("reconstruct leaky data.test[0:10]", picture(aspect=TWO_ROWS_OF_TEN)),
        code("histogram leaky data.test dims 0:4", picture()),
        md(
            """
            The code coordinates now spread out: the encoder tells digits apart.

            Dropout slows this network down rather than rescuing it: with 11 numbers of code the
            network is in no danger of memorising its training set, and dropout's noise mostly
            makes the decoder's job harder. The honest summary: the stall comes from an
            initialisation that lets ReLUs die, meeting an L1 loss on dark pictures that rewards
            giving up; the cure is to keep the units alive, by their starting weights
            (`init pytorch`) or by their activation (`leakyrelu`).

            ## Questions

            1. Whether a network dies depends on its first random weights. Run `seed 4` and
               define and train `plain` again. Does it stall at the same place? (In one of our
               PyTorch runs the network without dropout crawled down to 0.111 in three epochs
               instead of sitting at 0.126: half dead rather than dead.)
            2. Keep ReLU and Keras's start, but train with `loss mse`. Under squared error the
               best constant picture is the mean, a grey smudge rather than a black one. Does the
               network still stall?
            3. Train `torchplain` and `torchdropped` for 20 epochs in all (`train torchplain
               epochs 17`, a minute or two each). Do they come near PyTorch's 0.062 and 0.078?
               And `leaky`, with Keras's start: does it keep its lead?
            4. `init kaiming` is a third start, normal weights scaled for ReLU. Does it stall?
            """
        ),
    ]


# ---------------------------------------------------------------------------------------------
# 4. The latent space (seed 003)

CODE_EPOCHS = 5
CODE_SIZES = (2, 8, 32)
CODE_LOSS = {2: 0.055, 8: 0.027, 32: 0.012}
CODE_TORCH = {2: 0.047, 8: 0.022, 32: 0.0087}  # PyTorch, same run (scripts/lessons/pytorch_figures.py)


def latent_space():
    models = [f"model code{k}:\n    dense 256 relu\n    latent {k}\n    dense 256 relu\n    dense 784 sigmoid" for k in CODE_SIZES]
    names = " ".join(f"code{k}" for k in CODE_SIZES)
    table = "\n".join(
        [
            f"| code size | compression (784 pixels ÷ code) | test error after {CODE_EPOCHS} epochs | PyTorch, same run |",
            "| --- | --- | --- | --- |",
        ]
        + [f"| {k} | {784 / k:g} × | under {CODE_LOSS[k]} | {CODE_TORCH[k]} |" for k in CODE_SIZES]
    )
    return [
        md(
            """
            # 4. The latent space

            The code layer's size is the one choice that defines an autoencoder. A small code
            compresses hard and forgets detail; a large one keeps detail but compresses less, and
            may learn less about what digits have in common. This lesson trains three otherwise
            identical networks with codes of 2, 8 and 32 numbers, compares them, and then looks
            at the codes themselves: how digits arrange themselves in code space, and what
            happens when we walk from one digit to another.
            """
        ),
        code("data = mnist\nseed 4", *models),
        md(
            f"""
            Each trains for {CODE_EPOCHS} epochs on all 60,000 digits (mean squared error, Adam,
            batches of 200). The three together take about half a minute on a quiet machine.
            """
        ),
        code(
            "\n".join(
                f"train code{k} on data epochs {CODE_EPOCHS} batch 200 loss mse optimizer adam lr 0.001"
                for k in CODE_SIZES
            )
        ),
        code(f"plot {names}", picture()),
        md("Same ten test digits, three sizes of code:"),
        *[code(f"reconstruct code{k} data.test[0:10]", picture()) for k in CODE_SIZES],
        md(
            table,
            """
            Two numbers keep the identity of many digits but lose their style, and confuse the
            digits that look alike (4, 9 and 7; 3, 5 and 8). Eight already hold the slant and the
            thickness; thirty-two add the small quirks. In the numbers, each step from 2 to 8 to 32
            cuts the error by half or more. In the pictures, the step you can see is the first:
            that is where digits become the right digits. The second step buys detail.
            """
        ),
        *[code(f"code{k}.loss", below(CODE_LOSS[k])) for k in CODE_SIZES],
        md(
            """
            ## Digits in pixel space and in code space

            *t-SNE* draws high-dimensional points in two dimensions while trying to keep
            neighbours next to each other. First the raw pixels of 2,000 test digits, each dot
            coloured by its label:
            """
        ),
        code("embed data.test[0:2000] tsne", picture(), WIDGET),
        md(
            """
            In JupyterLab a *perplexity* slider sits beside the map: roughly how many neighbours
            each point tries to keep. Let it go at 5 and t-SNE draws the map again from close
            neighbours only, and the digits break into smaller clumps; at 50 it weighs wider
            neighbourhoods. The map takes a few seconds to redraw.
            """
        ),
        md("Now the same 2,000 digits, described by their 32-number codes instead of 784 pixels:"),
        code("embed code32 data.test[0:2000] tsne", picture()),
        md(
            """
            Raw MNIST pixels are already kind to t-SNE: most digits form their own group. The
            remarkable thing about the second map is that it is just as good, though it starts
            from 32 numbers instead of 784, learned without ever seeing a label. To rebuild a
            digit well, the encoder had to keep what kind of digit it is. The same pairs mix in
            both maps (4 with 9, 3 and 5 with 8): what is hard to tell apart in pixels stays hard
            in the code. (One might hope the codes separate the digits *better* than the pixels;
            with this short training and this network they do about as well. Try the question
            below.) The 2-number code needs no projection at all; its own two coordinates are
            the map:
            """
        ),
        code("embed code2 data.test[0:2000] pca 2", picture()),
        md(
            """
            ## Walking from one digit to another

            The first two test digits are a 7 and a 2. There are two ways to morph one into the
            other. In *pixel space*, blend the two pictures: 90% seven and 10% two, then 80/20, and
            so on. In *code space*, blend their codes instead and let the decoder draw each
            blend. `interpolate` shows both rows, and an animation of each.
            """
        ),
        code("interpolate code32 data.test[0] data.test[1] steps 10", picture(animated=True), picture(aspect=TWO_ROWS_OF_TEN)),
        md(
            """
            The pixel row is a cross-fade: a ghost of the seven fading while a ghost of the two
            appears, and the middle picture is no digit at all. The code row moves through
            shapes that each look drawn by hand, because the decoder only knows how to draw
            digit-like strokes. That is the sense in which the code space has learned something
            about digits that the pixel space does not know.
            """
        ),
        md(
            """
            ## Moving through the code yourself

            `explore` gives each coordinate of a code a slider and draws what the decoder makes of
            the point, as you drag. It starts at the code of the first test digit, shown on the
            left. Drag one slider at a time, slowly: does the digit turn into another digit, grow
            thicker, lean? Then move the `test digit` slider to start from another real digit; its
            code sets all eight sliders at once. Try pushing a slider to either end: far from the
            codes of real digits (the slider's ends are three spreads from their mean) the decoder
            draws shapes no one wrote. (Without a frontend that shows widgets, as on GitHub, the
            cell shows only its first picture.)
            """
        ),
        code("explore code8", WIDGET, picture()),
        md(
            """
            ## Questions

            1. Try `interpolate code2 data.test[0] data.test[1] steps 10`. With only two numbers,
               what does the path pass through on the way?
            2. Interpolate between two digits of the same kind, e.g. two ones
               (`data.test[label 1][0]` and `data.test[label 1][1]`). What changes along the way?
            3. Train `code32` for 10 more epochs. Does its t-SNE map change much?
            """
        ),
    ]


# ---------------------------------------------------------------------------------------------
# 5. Convolutional autoencoders (seed 002, conv)

CONV_EPOCHS_FIRST = 1
CONV_EPOCHS = 3
CONV_FIRST_LOSS = 0.05  # PyTorch, Keras initialisation: 0.040 after one epoch
CONV_LOSS = 0.03  # PyTorch: 0.027 after two epochs
DENSE_FIRST_LOSS = 0.03  # Latent, linear code: 0.0232 after one epoch


def convolutional():
    return [
        md(
            """
            # 5. Convolutional autoencoders

            A dense layer connects every pixel to every unit: it does not know that pixels next
            to each other belong together, and it has to learn a stroke at the top of the image
            separately from the same stroke at the bottom. A *convolution* slides one small filter
            over the whole image, so a filter that finds a curve finds it anywhere, with few
            weights.

            The encoder below alternates convolutions (small filters, `kernel 5` means 5 × 5) with
            *max pooling*, which halves the width and height by keeping the strongest response in
            each 2 × 2 square: 28 × 28 → 14 × 14 → 7 × 7. Two dense layers then bring it down to a
            16-number code, as in lesson 2. The decoder climbs back: dense layers up to 784
            values, reshaped into a 7 × 7 image with 16 channels, then *upsampling* (each pixel
            repeated into a 2 × 2 square) and convolutions, twice, to reach 28 × 28 again.
            """
        ),
        code(
            """
            data = mnist
            seed 5

            model conv:
                conv 4 kernel 5 relu
                pool max 2
                conv 8 kernel 5 relu
                pool max 2
                flatten
                dense 150 relu
                latent 16 tanh
                dense 120 relu
                dense 320 relu
                dense 784 relu
                reshape 7 7 16
                upsample 2
                conv 8 kernel 5 relu
                upsample 2
                conv 4 kernel 6 relu
                conv 1 kernel 7 sigmoid

            summary conv
            """
        ),
        md(
            """
            The summary's shape column is worth following line by line. Notice too where the
            weights are: the convolutions hold a few hundred each, the dense layers many
            thousands.

            A convolution costs much more arithmetic per weight than a dense layer, so an epoch
            takes longer. Train for one epoch, with the same settings as lesson 2's dense model.
            The live display shows its eight test digits sharpen within the epoch, a few times as
            it goes.
            """
        ),
        code(f"train conv on data epochs {CONV_EPOCHS_FIRST} batch 200 loss mse optimizer adam lr 0.001"),
        code("conv.loss", below(CONV_FIRST_LOSS)),
        md(
            """
            For comparison, the original tutorial's dense autoencoder (lesson 2's first model,
            with the `tanh` code) and lesson 2's repaired one (a linear code), each for a single
            epoch from the same seed:
            """
        ),
        code(
            "seed 2\n" + seed_dense("ae", "latent 16 tanh"),
            "seed 2\n" + seed_dense("linear", "latent 16"),
            f"train ae on data epochs {CONV_EPOCHS_FIRST} {FIT_DENSE}\n"
            f"train linear on data epochs {CONV_EPOCHS_FIRST} {FIT_DENSE}",
            findings("output collapse", "saturated codes"),
        ),
        code("linear.loss", below(DENSE_FIRST_LOSS)),
        md(
            f"""
            After one pass the convolutional model should be under **{CONV_FIRST_LOSS}** (PyTorch
            on this machine, same start: 0.040). Against the tutorial's dense model, which sits
            on lesson 2's average-digit plateau near 0.068, that is the large head start the
            tutorial reported (Latent's note under its table names the collapse and the saturated
            `tanh` code, as in lesson 2). Against the dense model with a linear code it is not: that one is
            near 0.023 after one epoch, ahead of the convolutional model. Both facts are true,
            and the comparison depends on which dense model you hold up. What is certain is that
            the convolutional model's `tanh` code does not get stuck from this start, here or in
            PyTorch, while the dense model's does.

            Now two more epochs. The model records its reconstructions of ten fixed test digits
            after every epoch, so we can watch them sharpen.
            """
        ),
        code(f"train conv epochs {CONV_EPOCHS - CONV_EPOCHS_FIRST}"),
        code("progress conv", picture(animated=True)),
        code("conv.loss", below(CONV_LOSS)),
        md(
            f"""
            After {CONV_EPOCHS} epochs the test error should be under **{CONV_LOSS}** (PyTorch:
            0.027 after two). More epochs keep helping; the original tutorial found the
            reconstructions good after ten. Not perfect, though: look for digits that come back
            as a different digit. Here the 5 (ninth) comes back looking like a 9, and the 9 with a
            small loop is a blur; in the tutorial it was a 9 turning into a 7.
            """
        ),
        code("reconstruct conv data.test[0:10]", picture(aspect=TWO_ROWS_OF_TEN)),
        md(
            """
            ## Generating with the convolutional model

            The same experiment as in lesson 2. The convolutional model has a `tanh` code, so the
            tutorial's recipe applies: codes from a normal distribution with a spread of 0.33.
            For the linear-code dense model, normals fitted to its codes, as lesson 2 found best.
            """
        ),
        code("generate conv 36 normal 0 0.33", picture(aspect=SQUARE_GRID)),
        code("generate linear 36", picture(aspect=SQUARE_GRID)),
        md(
            """
            The original tutorial found the convolutional model the worse generator of the two,
            even though it reconstructs well. Which grid convinces you more? Either way, better
            reconstruction does not promise better invention: a code space that is good for
            *compressing* need not be one where random points mean anything. Kernel PCA, whose
            usual kernel width suits codes between −1 and 1 like these, shows how the digits
            crowd together:
            """
        ),
        code("embed conv data.train[0:3000] kernelpca 2", picture()),
        md(
            """
            ## Questions

            1. Replace `pool max 2` with `pool avg 2` in both places. Is the result smoother,
               faster to learn, or neither?
            2. The decoder could grow the image with learned upsampling instead:
               `deconv 8 kernel 3 stride 2 relu` doubles the size in one layer. Rewrite the
               decoder with two of them in place of each `upsample 2` and the conv after it.
            3. `weights conv` shows the first layer's four filters. What do they seem to look for?
            """
        ),
    ]


# ---------------------------------------------------------------------------------------------
# 6. Sparse and denoising autoencoders (seed 004)

SPARSE_EPOCHS = 5
SPARSE_WEIGHT = "1e-4"
DENOISE_EPOCHS = 5
NOISE = 0.5
PLAIN_LOSS = 0.011  # PyTorch, same run: 0.0082
DENOISE_LOSS = 0.05  # on clean test digits; Latent: 0.044 (trained on noisy 0.022, PyTorch 0.021)


def sparse_and_denoising():
    def block(name, code_line):
        return f"model {name}:\n    dense 128 relu\n    {code_line}\n    dense 784 sigmoid"

    return [
        md(
            """
            # 6. Sparse and denoising autoencoders

            So far, the only thing that forced an autoencoder to learn something useful was a
            narrow code. There are other ways to make copying hard. This lesson tries two:

            - a **sparse** autoencoder has a *wide* code, but pays a price for every code unit
              that is active, so it learns to describe each digit with only a few of them;
            - a **denoising** autoencoder sees spoiled inputs and must produce the clean
              originals, so it has to learn what digits look like rather than copy pixels.
            """
        ),
        code(
            "data = mnist\nseed 6",
            block("plain", "latent 64 relu"),
            block("sparse", f"latent 64 relu sparse {SPARSE_WEIGHT}"),
        ),
        md(
            f"""
            Both have a 64-number code with ReLU, so a code unit is either off (exactly 0) or
            on. The only difference: `sparse {SPARSE_WEIGHT}` adds to the loss the sum of the
            code's absolute values times {SPARSE_WEIGHT}. Every bit of activation now costs
            something, and a unit stays on only where it earns its keep in the reconstruction.
            """
        ),
        code(
            "\n".join(
                f"train {n} on data epochs {SPARSE_EPOCHS} batch 200 loss mse optimizer adam lr 0.001"
                for n in ("plain", "sparse")
            )
        ),
        code("plot plain sparse", picture()),
        code("plain.loss", below(PLAIN_LOSS)),
        md("Now the codes. Eight of the sixty-four coordinates, first without the penalty, then with it:"),
        code("histogram plain data.test dims 0:8", picture()),
        code("histogram sparse data.test dims 0:8", picture()),
        md(
            """
            Without the penalty, almost every unit is on for almost every digit, with values in
            the tens. With it, each unit is off (the tall bar at zero) for a large share of the
            digits, the values that remain are a few times smaller, and some units may switch off
            for good. Each digit is described by fewer active units, and different digits use
            different units: a sparse code is easier to read, and its units tend to stand for
            recognisable pieces of a digit. The price is a higher reconstruction error, about
            twice the plain model's after these five epochs (see the chart above).

            ## Denoising

            `noise gaussian 0.5` adds random noise of spread 0.5 to every input pixel during
            training (a fresh draw every time an image is seen, clipped to the range 0 to 1),
            while the target stays the clean digit. The network cannot simply copy its input: it
            must guess what lies beneath. In the live chart, watch the dashed line, the loss on
            clean test digits: it settles well above where the plain model's ended.
            """
        ),
        code(
            block("cleaner", "latent 64 relu"),
            f"train cleaner on data epochs {DENOISE_EPOCHS} batch 200 loss mse optimizer adam lr 0.001 noise gaussian {NOISE}",
        ),
        md(
            f"""
            The train column of the table measures the real task: noisy in, clean out. The test
            column gives the model *clean* test digits, which it never saw in training, and the
            surprise is that it does worse on them, around 0.04 where the plain model scored
            under 0.01. The denoiser has learned to take away a layer of noise that it expects in
            every input; given a clean digit, it takes away something that is not there and
            thins the strokes. The test error should be under **{DENOISE_LOSS}**.
            """
        ),
        code("cleaner.loss", below(DENOISE_LOSS)),
        md(
            """
            The real test is digits it has never seen, spoiled with the same kind of noise. This
            folder holds fifty of them: the first fifty test digits with noise of spread 0.5
            added (and clipped to the range 0 to 1, as in training), saved as IDX files, the
            format MNIST itself comes in. `idx` reads such files from any path.
            """
        ),
        code(
            """
            noisy = idx "data/noisy-digits-images.gz" "data/noisy-digits-labels.gz"
            show noisy[0:10]
            """,
            picture(),
        ),
        md("Noisy inputs on top, the denoising model's guesses below:"),
        code("reconstruct cleaner noisy[0:10]", picture(aspect=TWO_ROWS_OF_TEN)),
        md("The plain autoencoder, trained on clean digits only, given the same noisy inputs:"),
        code("reconstruct plain noisy[0:10]", picture(aspect=TWO_ROWS_OF_TEN)),
        md(
            """
            The plain model was trained on clean digits, and the noise throws it: its outputs are
            broken, blotchy strokes. The denoising model has learned that digits are smooth
            strokes on a black background, and draws that. (The numbers under the pictures
            compare each output with its *noisy* input, so here they say how much was changed,
            not how good the result is; judge these by eye.)

            ## Questions

            1. `noise mask 0.3` blacks out 30% of the pixels instead of adding noise. Train a
               model that way and give it `masked = idx "data/masked-digits-images.gz"
               "data/masked-digits-labels.gz"`. Can it fill in the holes?
            2. Raise the sparsity weight tenfold. At what point does the reconstruction suffer?
            3. `weights sparse` draws the first layer's filters. Compare with `weights plain`.
            """
        ),
    ]


# ---------------------------------------------------------------------------------------------
# 7. Variational autoencoders

VAE_EPOCHS = 5
VAE_LOSS = 115.0  # per image; PyTorch's example reaches 105.7 after 10 epochs


def variational():
    return [
        md(
            """
            # 7. Variational autoencoders

            Lesson 2 ended with a problem: the codes of an ordinary autoencoder fall wherever
            training puts them, in lumps and islands, so a random code often decodes to nothing.
            A *variational* autoencoder (VAE) fixes this by changing what the encoder produces
            and adding one term to the loss.

            - **A Gaussian code.** For each image the encoder gives not one point but a small
              cloud: a mean and a spread (stored as a log-variance) for each coordinate. During
              training the decoder receives a random point from that cloud, so nearby codes must
              decode to similar pictures.
            - **The KL term.** A second loss, the Kullback–Leibler divergence, measures how far
              each cloud is from the standard normal distribution (mean 0, spread 1) and pulls it
              towards it. The codes of all digits end up packed together into one round,
              gap-free region around the origin.

            The result is a code space where a code drawn from the standard normal lands among
            real digits: a generative model.
            """
        ),
        code(
            """
            data = mnist
            seed 7

            model vae:
                dense 400 relu
                latent 20 gaussian
                dense 400 relu
                dense 784 sigmoid

            summary vae
            """
        ),
        md(
            f"""
            This is the classic small VAE: 400 hidden units, a 20-dimensional code. The loss is
            *binary cross-entropy*, which suits pixels between 0 and 1, summed over the pixels of
            an image and added to the KL term; it is reported per image, so the numbers are in the
            hundreds rather than below 1. Batches of 128, Adam at 0.001, {VAE_EPOCHS} epochs.
            """
        ),
        code(f"train vae on data epochs {VAE_EPOCHS} batch 128 loss bce optimizer adam lr 0.001"),
        code("plot vae", picture()),
        md(
            f"""
            The test loss should be under **{VAE_LOSS:g}** per image after {VAE_EPOCHS} epochs. (The
            same model in PyTorch's own example reaches 105.7 after 10 epochs here; at the fifth
            epoch this curve is still falling by about one and a half per epoch.)
            """
        ),
        code("vae.loss", below(VAE_LOSS)),
        code("reconstruct vae data.test[0:10]", picture(aspect=TWO_ROWS_OF_TEN)),
        md(
            """
            Slightly blurrier than lesson 2's reconstructions: the noise in the code costs some
            sharpness. What it buys is generation. `generate` on a VAE draws codes from the
            standard normal, exactly the distribution the KL term pulled the codes towards:
            """
        ),
        code("generate vae 36", picture(aspect=SQUARE_GRID)),
        md(
            """
            ## The same tools as lesson 2

            To compare fairly, train lesson 2's plain autoencoder (the one with a linear code)
            for the same number of epochs and look at both code spaces with the tools we used
            there.
            """
        ),
        code(seed_dense("ae", "latent 16"), f"train ae on data epochs {VAE_EPOCHS} {FIT_DENSE}"),
        code("histogram vae data.train dims 0:4", picture()),
        md(
            """
            Lesson 2's coordinates were roughly bell-shaped too, but each had its own centre and a
            spread of about five, set by nothing in particular. The VAE's are centred on zero with
            a spread of one: exactly the prior that `generate` draws from, which is why its random
            codes land among real ones. (A coordinate the VAE finds no use for is left at the
            prior; it costs nothing in KL, and decoding ignores it.)

            PCA draws both code spaces along their two main directions:
            """
        ),
        code("embed ae data.train[0:3000] pca 2", picture()),
        code("embed vae data.train[0:3000] pca 2", picture()),
        md(
            """
            Both are one round crowd in these two directions, so PCA alone does not show lesson
            2's problem; the difference is elsewhere. The plain code space is large (the axes run
            to ±20) and its digits fill it unevenly, so that a random code must be aimed. The
            VAE's fills a disc of radius about three, the size of the prior, with digits arranged
            around it (the ones in a group at the edge, still joined to the rest) and no empty
            regions that a random draw could fall into.

            Walk from the 7 to the 2 in both spaces:
            """
        ),
        code("interpolate ae data.test[0] data.test[1] steps 10", picture(animated=True), picture(aspect=TWO_ROWS_OF_TEN)),
        code("interpolate vae data.test[0] data.test[1] steps 10", picture(animated=True), picture(aspect=TWO_ROWS_OF_TEN)),
        md(
            """
            Both decoders draw a path of digit-like shapes. The plain autoencoder's passes through
            something like a 3, crisp but a detour; the VAE's is fainter and blurrier in the
            middle, the price of the noise in its code. After five epochs the VAE's advantage is
            not in walking between two real digits; it is in landing anywhere at all, as the
            generated grid showed.

            ## Latent traversals

            Hold a code fixed and move just one coordinate from −2 to 2 (two spreads of the
            prior either side). Each row of pictures shows what that single coordinate controls.
            """
        ),
        code("traverse vae dim 0 from -2 to 2 steps 9", picture(aspect=ONE_ROW_OF_NINE)),
        code("traverse vae dim 1 from -2 to 2 steps 9", picture(aspect=ONE_ROW_OF_NINE)),
        md(
            """
            A coordinate may tilt the digit, thicken the stroke, or, as often happens, turn one
            digit into a neighbour (a 4 into an 8 or 9 is common). Nobody told the VAE about any of
            these; they are simply directions along which handwriting varies a lot.
            """
        ),
        md(
            """
            ## Explore the prior

            Each slider below is one of the first eight coordinates of the VAE's code, from −3 to
            3: three spreads of the prior either side of zero. Set the `test digit` slider to a
            digit, then drag one coordinate across its whole range. Compare with lesson 4's plain
            autoencoder: here nearly every setting still decodes to a digit-like shape, because
            the KL term packed real codes into exactly this range. Look for a coordinate that
            turns the digit into another digit, and one that only changes its style.
            """
        ),
        code("explore vae", WIDGET, picture()),
        md(
            """
            ## Questions

            1. Build a VAE with `latent 2 gaussian` and look at `embed` of its codes with `pca 2`:
               a whole digit map in two dimensions. Then traverse each of its two coordinates.
            2. Generate from `ae` with `generate ae 36 normal 0 1`, the VAE's prior, and compare
               with `generate vae 36`. Why does the plain autoencoder fail at this?
            3. Train the VAE for 10 epochs in all. How close does it come to 105.7?
            """
        ),
    ]


# ---------------------------------------------------------------------------------------------

NOTEBOOKS = [
    ("01-welcome.ipynb", welcome),
    ("02-dense-autoencoder.ipynb", dense_autoencoder),
    ("03-deep-and-dropout.ipynb", deep_and_dropout),
    ("04-latent-space.ipynb", latent_space),
    ("05-convolutional.ipynb", convolutional),
    ("06-sparse-and-denoising.ipynb", sparse_and_denoising),
    ("07-variational.ipynb", variational),
]


def notebook(cells):
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = dict(LANGUAGE_INFO)
    # Stable cell ids so that regenerating an unchanged lesson changes no bytes.
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    nbformat.validate(nb)
    return nb


def rendered():
    """Each lesson's file name and its notebook as text, exactly as committed."""
    return [(name, nbformat.writes(notebook(build())) + "\n") for name, build in NOTEBOOKS]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if Lessons/ differs from the generator")
    args = parser.parse_args()
    stale = []
    LESSONS.mkdir(exist_ok=True)
    for name, text in rendered():
        path = LESSONS / name
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(name)
        else:
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print("stale (run scripts/lessons/build_lessons.py):", ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
