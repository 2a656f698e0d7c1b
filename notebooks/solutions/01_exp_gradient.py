# The derivative of exp is exp itself: gradlab's rule is "exp: g * out", and with g = 1
# the gradient node is the exp node. The plot of the gradient lies on top of the curve.
my_formula = "exp(x)"
