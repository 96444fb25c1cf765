import Autodiff
print("benchmarks: placeholder")
