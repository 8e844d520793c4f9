"""The health of every process: `/healthz`, the heartbeats of beat and the worker, and
`manage.py health` for compose's health checks (docs/operations.md, "Health checks")."""
