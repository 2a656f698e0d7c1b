# Each derivative brings the exponent down and lowers it by one:
# 5x^4, 20x^3, 60x^2, then 120x.
my_fourth_derivative = "120*x"
