"""Inspections pages."""

from server.web.pages import group, page, render

blp = group("inspections")


@page(blp, "/inspections")
def index():
    return render("inspections/index.html")
