# Follow y: 0.9 is below 1, so y + 1 gives 1.9; then y * 2 gives 3.8, and y * 2 again gives
# 7.6, which ends the loop; tanh comes last. The tests y.data < 5 and y.data < 1 compare
# plain numbers, so the tape never sees them: it holds only the steps that ran, in order.
my_tape = ["+", "*", "*", "tanh"]
