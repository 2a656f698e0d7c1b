# Near the minimum (x* = -0.358) the curvature is f''(x*) = 1 - 2.25 sin(3 x*) = 2.97,
# and a step of about 1/f'' lands almost exactly on the minimum: 0.35 converges in 10 steps.
my_rate = 0.35
