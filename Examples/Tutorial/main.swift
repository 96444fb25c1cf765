print("This example is not implemented yet.")
