"""Rounds pages."""

from server.web.pages import group, page, render

blp = group("rounds")


@page(blp, "/rounds")
def index():
    return render("rounds/index.html")
