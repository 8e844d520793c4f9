# One image for web, worker, beat and the one-shot migrate service (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY consultteam ./consultteam
COPY cases ./cases
COPY agendas ./agendas
COPY reminders ./reminders
COPY clinic ./clinic
RUN pip install .
COPY manage.py ./
COPY templates ./templates
COPY static ./static

# collectstatic needs settings but no secret of the deployment: a throwaway key for the build.
RUN SECRET_KEY=build-only-key-for-collectstatic-never-used-at-runtime-xxxxxxxx \
    python manage.py collectstatic --noinput \
 && useradd --system --uid 10001 --home /app consultteam \
 && mkdir -p /data && chown consultteam /data

USER consultteam
EXPOSE 8000
CMD ["gunicorn", "consultteam.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
