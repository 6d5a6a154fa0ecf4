/// docs/language.md, embedded so that the binary needs no file. Generated: run
/// `LATENT_RECORD=1 swift test --filter HelpTests` after editing the document.
enum LanguageReference {
    static let markdown = #"""
        # The Latent lesson language

        A cell holds statements, one a line. `#` starts a comment; blank lines are free. A model is a
        block: a header `model NAME:` and its layers indented under it; the block ends at the first line
        that is not indented. Options are `name value` pairs in any order after a statement's required
        parts. Numbers are written `200`, `0.001` or `1e-3`; strings in double quotes, `"path"`.

        Names live in one session that outlives cells: datasets, models (weights, optimizer state, loss
        history, epochs trained, training settings) and the seed. Defining a name again replaces the old
        object and says so. A mistake is answered with its line, a caret under the place, what was
        expected there, and the near word when one is close; a mistake never changes the session.

        Statements: data (`NAME = ...`), `model`, `summary`, `train`, `why`, `evaluate`, `seed`, `who`,
        `print`, bare names, `save`, `load`, `delete`, `help`; pictures: `show`, `reconstruct`,
        `generate`, `interpolate`, `histogram`, `embed`, `weights`, `traverse`, `progress`, `plot`.
        Type `help STATEMENT` (e.g. `help train`) for one of them, `help layers` for the layer kinds.

        ## Data

        ### data
        `NAME = SOURCE` makes a dataset. Sources:

        | source | what it is |
        | --- | --- |
        | `mnist` | the bundled MNIST: 60,000 train / 10,000 test digits, 28x28x1, pixels scaled to [0, 1] |
        | `mnist train N test N` | the first N of each split (either option alone is fine; the other split stays whole) |
        | `fashion` | Fashion-MNIST (same format) from Debian's package `dataset-fashion-mnist`, or from the folder in `LATENT_FASHION_DIR`; a clear message where it is not installed. Takes `train N test N` too |
        | `idx "images" "labels"` | IDX files (gzip or not) from any path: one set of images, no test split |
        | `idx "images" "labels" test "images" "labels"` | a train and a test split from IDX files |
        | `other[...]` | another dataset or part of one (see below) |

        Parts of a dataset: `data.train`, `data.test` (a split's halves), `[a:b]` (images a up to, not
        including, b; either end may be left out; negative counts from the end), `[i]` (one image),
        `[label d]` (only the images labelled d). They chain: `data.train[label 3][0:8]`. `data.count`
        is the number of images. IDX files are checked: the magic number (unsigned bytes, 1 to 4
        dimensions), the sizes in the header against the file's length, images against labels.

        ```
        data = mnist
        small = mnist train 6000 test 1000
        mine = idx "train-images.gz" "train-labels.gz" test "t10k-images.gz" "t10k-labels.gz"
        threes = data.train[label 3]
        ```

        ## Models

        ### model
        ```
        model ae:
            dense 250 relu
            latent 16 tanh
            dense 320 relu
            dense 784 sigmoid
        ```
        A model needs exactly one `latent` line: the layers above it are the encoder, those below the
        decoder. Shapes are checked when the model first meets data (its first `train`, or `summary`,
        which assumes 28x28x1 images until then); a mismatch names both sizes. The decoder's output is
        reshaped to the input's shape when the sizes match. Weights start as Keras starts them
        (Glorot-uniform, zero biases), drawn from the session's seed. Defining a model again replaces
        it (its training is lost) and says so.

        The header takes one option, `init SCHEME`, how the first weights are drawn:

        | scheme | weights | biases |
        | --- | --- | --- |
        | `glorot` (default) | uniform in ±sqrt(6 / (fan-in + fan-out)), as Keras | zero |
        | `kaiming` | normal, variance 2 / fan-in | zero |
        | `pytorch` | uniform in ±1/sqrt(fan-in), as PyTorch's `Linear` and `Conv2d` | the same |

        ```
        model slow init pytorch:
            dense 250 relu
            latent 16 tanh
            dense 320 relu
            dense 784 sigmoid
        ```
        The same seed and the same layers with another scheme learn differently: some models do not learn
        at all under PyTorch's default. `summary` and the model's description name the scheme, and
        `save` keeps it.

        ### layers
        Each layer line is a kind, its size, then options in any order. An activation is one of
        `relu`, `sigmoid`, `tanh`, `linear`, `leakyrelu`, `elu`, `softplus`; the default is `linear`.

        | layer | options (default) |
        | --- | --- |
        | `dense N` | activation (linear); `dropout P` (none), P from 0 up to 1: dropout after the layer |
        | `latent N` | activation (linear); `gaussian` (a VAE: mean and log-variance heads, sampling, KL added to the loss; no activation); `sparse W` (an L1 penalty W on the codings) or `sparse kl RHO weight W` (a KL penalty toward the rate RHO; weight 1) |
        | `conv N` | `kernel K` (3), `stride S` (1), `padding same` or `valid` (same), activation |
        | `deconv N` | a transposed convolution; `kernel K` (3), `stride S` (1), `padding` (same), activation |
        | `pool max N` / `pool avg N` | N is the window and stride (2); `pool 2` is max |
        | `upsample N` | nearest-neighbour, by N (2) |
        | `flatten` | to one row of values |
        | `reshape H W C` | one to three sizes |

        Sizes are whole numbers from 1 (kernels, strides, pools and upsampling up to 256; units and
        filters up to 1,000,000). A model may hold up to 50,000,000 parameters and a layer up to 250,000
        values per image; larger ones are refused with a message rather than exhausting the machine.
        | `dropout P` | on its own line, P from 0 up to 1 |

        ### summary
        `summary MODEL`: a table of the layers with their output shapes and parameter counts, and the
        totals.

        ## Training

        ### train
        `train MODEL on DATA epochs N batch N loss L optimizer O lr X noise ...`

        | option | meaning | default |
        | --- | --- | --- |
        | `on DATA` | what to train on: a split trains on `.train` and reports the test loss on `.test`; a set of images trains on all of it | the data of the last `train` (needed the first time) |
        | `epochs N` | passes over the training images | 1 |
        | `steps N` | this many mini-batches instead of whole epochs | (epochs) |
        | `batch N` | images per mini-batch, at least 1 | 200 |
        | `loss L` | `mse`, `l1` (also `mae`) or `bce`; a VAE adds its KL term | mse |
        | `optimizer O` | `adam`, `sgd` (momentum 0.9) or `rmsprop`; changing it starts a fresh optimizer state | adam |
        | `lr X` | learning rate, greater than 0 | 0.001 |
        | `noise gaussian S` / `noise mask P` / `noise none` | denoising: corrupt the inputs (add N(0, S²), or zero a fraction P of pixels) but compare with the clean images | none |

        Options stick to the model: `train ae epochs 5` goes on from where the last `train` stopped, with
        the same data and settings, changing only the epochs. `epochs` and `steps` replace each other.
        While it trains one output updates in place: epoch, batch, loss and time left. When it ends, a
        table of epochs: train loss, test loss, seconds. Interrupting stops at the next batch; the model
        keeps what it learned and says where it stopped. Losses are means per pixel (for a VAE, per
        image: summed reconstruction plus KL).

        ```
        train ae on data epochs 50 batch 200 loss mse optimizer adam lr 0.001
        train ae epochs 5
        train ae steps 100
        train ae on data noise gaussian 0.5
        ```

        After every `train`, Latent looks at the model (as `why` does) and, only when something looks
        wrong, says what and what to try.

        ### why
        `why MODEL`: looks inside a trained model and says what looks wrong, with the numbers it saw and
        the cures the lessons teach. It passes the first 500 test images (training images when there is
        no test split) through the model once, and reads what training recorded. It looks for:

        | finding | what it means | what it measures |
        | --- | --- | --- |
        | output collapse | the reconstructions of different digits are nearly one picture (the mean or the median digit) | how much the reconstructions vary from image to image, against how much the images do: under a tenth |
        | saturated codes | a `tanh` or `sigmoid` code sits at its limits, where it cannot learn | the share of code values beyond ±0.99 (tanh) or outside [0.01, 0.99] (sigmoid): half or more |
        | dead ReLUs | units that output zero for every image, and so learn nothing | per `relu` layer, units (channels) zero for all 500 images: 90% or more (healthy models leave many units off), or a fifth with a collapse |
        | the loss diverged | NaN or an exploding loss, with the epoch and batch | how the last `train` ended; the last epoch's loss against the best |
        | the output does not suit the loss | `bce` on an output that is not `sigmoid`; a linear output straying outside the pixels' [0, 1] | the last layer's activation; the share of outputs outside [-0.1, 1.1]: 5% or more |
        | posterior collapse | a VAE whose code dimensions carry nothing (KL about 0) | per dimension, the mean KL from N(0, 1): under 0.05 nats (or a mean that varies by less than 0.01 across images) for more than half of them |
        | overfitting | the test loss rising while the train loss falls | the epoch table: the best test loss two or more epochs back, and 3% lower than now |
        | learning rate too high | the batch losses jump around | over the last 100 batches, the median change from one batch to the next: half the loss or more, or a batch at 4 times the median |
        | learning rate too low | the loss has barely moved | at a rate a tenth of the usual one or less (Adam and RMSprop 0.001, SGD 0.1), after 100 steps or more, the last 10 batches' loss still above 90% of the first 10 batches' |

        A healthy model gets "nothing looks wrong" and the numbers behind it. In the first 50 steps
        every model outputs about one picture, so collapse, saturation and dead units are not judged
        before then.

        ```
        why ae
        ```

        ### evaluate
        `evaluate MODEL on DATA`: mse, l1, bce and PSNR (in dB, for pixels in [0, 1]) of the
        reconstructions. Without `on`, the test split of the data it was last trained on.

        ### seed
        `seed N` (a whole number, 0 or more; 0 at the start) makes shuffling, dropout, noise and new
        initial weights repeatable: the same seed gives the same numbers on the same machine.

        ## Looking inside

        ### show
        `show IMAGES`: a grid of the images (PNG) with their labels underneath, e.g.
        `show data.test[0:16]`, `show data.train[label 3][0:8]`.

        ### reconstruct
        `reconstruct MODEL IMAGES`: inputs in the top row, reconstructions below.

        ### generate
        `generate MODEL N` decodes N random codings (a VAE samples its prior, N(0, 1)); `normal MEAN
        STD` chooses the distribution of the codings (default: a VAE's prior, or the spread of the codes
        of the data it trained on).

        ### interpolate
        `interpolate MODEL IMAGE IMAGE steps N`: a row blended in pixel space against a row decoded
        from codings blended in latent space (steps 10).

        ### histogram
        `histogram MODEL IMAGES dims A:B`: how each latent coordinate is distributed over the images
        (default: every coordinate).

        ### embed
        `embed MODEL IMAGES METHOD D` projects the codings to D dimensions (2 or 3; 2), coloured by
        label; `embed IMAGES METHOD D` projects the pixels themselves. METHOD is `pca`, `kernelpca` or
        `tsne` (pca).
        Options follow: for `tsne`, `perplexity P` (30, at most (N - 1)/3), `iterations N` (1000) and
        `seed S` (a random start from S instead of the PCA start); for `kernelpca`, `kernel rbf|poly`
        (rbf) and `gamma G` (1/features). See docs/pictures.md.

        ### weights
        `weights MODEL`: the first layer's filters (or dense weights) drawn as images.

        ### traverse
        `traverse MODEL dim D from X to Y steps N around IMAGE`: vary one coordinate of the code
        (dim 0, from -2 to 2, 9 steps; around zero, or around the code of IMAGE).

        ### progress
        `progress MODEL`: fixed test digits reconstructed after every epoch, as an animation.

        ### plot
        `plot MODEL...`: loss curves per epoch (train and test); several models on one chart.

        ## The session

        ### who
        `who`: every name: its kind, size, epochs trained and last loss, and the seed. A model that has
        not met data yet shows "not built yet" (`summary` builds it for 28x28x1 to show its shapes).

        ### print
        `print ITEM...`: strings, numbers and values (`print "loss" ae.loss`) on standard output,
        separated by spaces.

        ### values
        A bare name shows what it is: a dataset's sizes, image shape, pixel range and label counts; a
        model's layers, parameters and training so far. Members: `MODEL.loss` (the last test loss, or
        train loss when there is no test split), `MODEL.epochs`, `MODEL.params`, `DATA.count`,
        `DATA.train`, `DATA.test`.

        ### save
        `save MODEL "file"`: the model (definition, weights, optimizer state, settings, loss history)
        into a file, written atomically (a temporary file, then renamed). The format is versioned and
        carries a checksum.

        ### load
        `load NAME "file"`: a saved model under NAME. A missing, truncated, corrupt or foreign file is
        named as such and the session stays as it was. The data a model trained on is not saved: the
        first `train` after a `load` needs `on DATA`.

        ### delete
        `delete NAME...`: forgets datasets and models.

        ### help
        `help` lists the statements; `help STATEMENT` shows one of them; `help layers` the layer kinds.

        ## Mistakes

        Every mistake names its line, puts a caret under the place, says what was expected there and,
        when a known word is near (by edit distance), asks "did you mean ...?". For example:

        ```
        line 3: 'dens' is not a layer kind
                dens 250 relu
                ^^^^
        expected a layer kind: dense, latent, conv, deconv, pool, upsample, flatten, reshape, dropout
        did you mean 'dense'?
        ```

        | mistake | kind |
        | --- | --- |
        | an unknown statement, option, layer kind, activation, loss, optimizer or kind of noise | SyntaxError |
        | a model without a `latent` line, or with two | SyntaxError |
        | a value out of range: `batch 0`, `lr -0.1`, `dropout 1.5`, `epochs 2.5`, `seed -1` | ValueError |
        | a slice past the end, a label no image has | ValueError |
        | an unknown name (the names that exist are listed), a model where data belongs | NameError |
        | a layer or a decoder output that does not fit the data (both sizes named) | ShapeError |
        | a missing file, a file that is not IDX, images and labels of different lengths; a model file that is missing, cut short, damaged, foreign or from a newer Latent | FileError |

        All syntax mistakes of a cell are reported together and nothing in it runs. Statements run in
        order; the first that fails stops the cell, and a statement that fails changes nothing.

        ## Running a script

        `latent run FILE [--out DIR]` runs a `.latent` file from the terminal. The whole file is checked
        first (every syntax mistake reported, nothing run); then text goes to standard output, each
        picture is written to DIR (numbered `001.png`, `002.svg`, ...), and the first failing statement
        stops the script with the rendered error on standard error and exit status 1.

        """#
}
