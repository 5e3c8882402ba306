"""Where an office stands on the road to 100 % digitized: the register of results (the
denominator), what counts as digitized, the target path, the figures and the quarterly báo cáo."""
