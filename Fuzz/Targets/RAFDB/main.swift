import FuzzHarnesses

FuzzMain.run(LabelFileHarnesses.rafDB)
