print("PicturesBench: not written yet")
