import FuzzHarnesses

FuzzMain.run(ImageHarnesses.jpeg)
