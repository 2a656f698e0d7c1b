# The forward difference's error is about h/2 for exp at 0, so h = 1e-8 gives about 5e-9,
# close to the best possible (rounding takes over below it).
my_step = 1e-8
