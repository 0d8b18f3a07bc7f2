"""Training with synthetic case vignettes: the vignette library and its validation."""
