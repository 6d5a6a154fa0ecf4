/// Every example of the design sketch (shared/design/language-sketch.md in the steering
/// repository), as written there.
enum SketchExamples {
    static let data = """
        data = mnist                          # the bundled MNIST: 60,000 train / 10,000 test, pixels scaled to [0, 1]
        small = mnist train 6000 test 1000    # the first N of each split, for quick lessons
        clothes = fashion                     # Fashion-MNIST (same format) where it is installed
        mine = idx "train-images.gz" "train-labels.gz" test "t10k-images.gz" "t10k-labels.gz"
        data                                  # a bare name shows it: sizes, value range, a row of samples
        show data.test[0:16]                  # a grid of digits (PNG), labels underneath
        show data.train[label 3][0:8]         # only the threes
        """

    static let models = """
        model ae:                             # seed 002, dense: 784 -> 250 -> 16 -> 320 -> 784
            dense 250 relu
            latent 16 tanh                    # the bottleneck: layers above are the encoder, below the decoder
            dense 320 relu
            dense 784 sigmoid                 # reshaped back to 28x28 because the sizes match

        model deep:                           # seed 000, stacked, with 20% dropout after every hidden layer
            dense 512 relu dropout 0.2
            dense 256 relu dropout 0.2
            dense 128 relu dropout 0.2
            latent 11
            dense 128 relu dropout 0.2
            dense 256 relu dropout 0.2
            dense 512 relu dropout 0.2
            dense 784

        model conv:                           # seed 002, convolutional
            conv 4 kernel 5 relu              # stride 1, padding same unless told
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
                                              # also: pool avg 2, deconv 8 kernel 3 stride 2 relu

        model vae:                            # variational: mean and log-variance heads, sampling, KL added to the loss
            dense 400 relu
            latent 20 gaussian
            dense 400 relu
            dense 784 sigmoid

        model sparse:                         # sparse: an L1 penalty on the codings (or: sparse kl 0.05 weight 3)
            dense 128 relu
            latent 64 relu sparse 1e-5
            dense 784 sigmoid

        summary deep                          # table: layer, output shape, parameters, and the totals
        """

    static let alsoLayers = """
        model also:
            conv 8 kernel 3 relu
            pool avg 2
            deconv 8 kernel 3 stride 2 relu
            latent 64 sigmoid sparse kl 0.05 weight 3
            dense 784
        """

    static let training = """
        train ae on data epochs 50 batch 200 loss mse optimizer adam lr 0.001
        train ae epochs 5                     # goes on from where it stopped, same settings
        train ae steps 100                    # 100 mini-batches only: for watching it learn
        train deep on data epochs 20 loss l1  # loss: mse | l1 (also mae) | bce
        train ae on data noise gaussian 0.5   # denoising: corrupted inputs, clean targets (also: noise mask 0.3)
        seed 7                                # makes shuffling, dropout and initial weights repeatable
        evaluate ae on data.test              # mse, l1, bce and PSNR on that split
        """

    static let lookingInside = """
        plot ae                               # loss curves, train and test, per epoch
        plot deep nodrop                      # several models on one chart (the dropout comparison)
        reconstruct ae data.test[0:10]        # inputs above, reconstructions below
        generate ae 36                        # decode random codings (a VAE samples its prior)
        generate ae 36 normal 0 0.33          # the seed-002 choice of codings
        interpolate ae data.test[0] data.test[1] steps 10   # pixel-space row against latent-space row, and an animation
        histogram ae data.train dims 0:4      # how each latent coordinate is distributed
        embed ae data.train[0:3000] kernelpca 2   # codings projected to 2-D, coloured by digit (pca | kernelpca | tsne)
        embed data.test[0:2000] tsne          # the pixels themselves, for comparison
        weights ae                            # first-layer filters drawn as images
        traverse ae dim 0 from -2 to 2 steps 9    # vary one coordinate of the code
        progress ae                           # fixed test digits reconstructed after every epoch (animated)
        """

    static let session = """
        who                                   # everything in the session: kind, size, epochs trained, last loss
        print "hello, world"                  # text to standard output
        ae.loss                               # a value: the last test loss (also .epochs, .params)
        save ae "ae.model"                    # atomic write; load checks it and says clearly what is wrong
        load ae2 "ae.model"
        delete small
        help                                  # the statements; `help train` for one of them
        """

    static let all = [data, models, alsoLayers, training, lookingInside, session]
}
