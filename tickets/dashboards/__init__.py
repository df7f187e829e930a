"""The supervisors' dashboards (docs/console.md, "Dashboards"): live tiles pushed over a
websocket, figures over a period as SVG charts with their tables and CSV downloads, and the
agent view. The figures themselves are tickets.metrics' functions; this package only chooses
the scope, draws and exports them."""
