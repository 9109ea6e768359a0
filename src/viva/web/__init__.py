"""The web app (`viva serve`): FastAPI pages and a JSON API over the same `service.Viva`.

Nothing here decides anything about questions, grades or schedules: the routes parse the request,
make one service call and render the result (Jinja2 templates for pages, `viva.wire` for JSON).
"""
