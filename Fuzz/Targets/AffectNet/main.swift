import FuzzHarnesses

FuzzMain.run(LabelFileHarnesses.affectNet)
