def my_choose_mode(n_inputs, n_outputs):
    # a whole Jacobian takes one forward pass per input, or one reverse pass per output:
    # the fewer passes win (on a tie they are even, and only a measurement can decide)
    return "forward" if n_inputs < n_outputs else "reverse"
