# Adam moves each weight by about the learning rate per step, so at 0.03 fifty steps are not
# enough to leave the plateau, where the boundary is still almost a straight line (89%).
# Five times the rate leaves it within a few dozen steps, and more hidden units give the
# boundary more ways to bend. Much larger rates (0.5 and up) overshoot instead.
my_settings = {"hidden": 16, "learning_rate": 0.15}
