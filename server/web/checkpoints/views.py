"""Setup: checkpoints (being built)."""

from server.web.pages import group, page, render

blp = group("checkpoints")


@page(blp, "/checkpoints")
def index():
    return render("checkpoints/index.html")
