print("NeuralBench: not written yet")
