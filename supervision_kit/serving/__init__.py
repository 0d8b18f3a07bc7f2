"""The web server behind every serving mode: Voilà with kernels bound to the page that
started them, reclaimed when the page closes and culled when idle."""
