"""Scan log pages."""

from server.web.pages import group, page, render

blp = group("scans")


@page(blp, "/scans")
def index():
    return render("scans/index.html")
