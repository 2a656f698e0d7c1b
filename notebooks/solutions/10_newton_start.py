# Newton's step is -f'(x0)/f''(x0). Near x = sqrt(2/3) ≈ 0.8165 the curvature
# f''(x) = 3x² - 2 is almost 0, so the step is huge. Just left of that point f'' is a
# little negative while f'(x0) is negative too, so the step points far to the left:
# from 0.8 the first jump lands near x = -6.5, inside the basin of the left minimum,
# and Newton converges there. (Starts from about 0.7375 to 0.816 work, and so does a
# narrow window around 0.72. 0.73 does not: its first jump is too short, to about -0.69,
# where the parabola opens downwards, and the next step throws x out to the right.)
my_start = 0.8
