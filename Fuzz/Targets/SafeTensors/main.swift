import FuzzHarnesses

FuzzMain.run(SafeTensorsHarness.run)
