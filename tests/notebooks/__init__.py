"""The course as shipped: notebooks, exercises, cheat sheet, Binder and instructor material."""
