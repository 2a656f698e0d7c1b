# Count layer by layer: every unit has one weight per input it receives, and one bias.
#   2 inputs -> h units:   2*h weights + h biases
#   h units  -> h units:   h*h weights + h biases
#   h units  -> 1 output:  h weights   + 1 bias
# The h*h between the two hidden layers dominates: doubling h roughly quadruples the count.
def my_weight_count(h):
    return (2 * h + h) + (h * h + h) + (h + 1)
