import FuzzHarnesses

FuzzMain.run(ImageHarnesses.png)
