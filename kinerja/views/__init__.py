"""Views, by area. Each loads, checks access, calls the workflow or a form, renders."""
