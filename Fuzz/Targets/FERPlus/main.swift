import FuzzHarnesses

FuzzMain.run(LabelFileHarnesses.ferPlus)
