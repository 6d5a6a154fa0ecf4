print("SessionBench: not written yet")
