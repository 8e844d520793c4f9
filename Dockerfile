# One image for web, worker, beat and the one-shot migrate service (see docker-compose.yml).
# Two stages: the first builds the wheel from the source; the second installs the locked
# dependencies and that wheel with deploy/install.sh (as tests/core/test_built_service.py
# does), and holds no source tree: the wheel is the whole service.

FROM python:3.11-slim-bookworm AS wheel
WORKDIR /src
COPY . .
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheel .

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DATA_DIR=/data \
    STATIC_ROOT=/app/static

WORKDIR /app
COPY requirements/runtime.lock deploy/install.sh /tmp/install/
COPY --from=wheel /wheel/ /tmp/install/wheel/
RUN sh /tmp/install/install.sh python /tmp/install/runtime.lock /tmp/install/wheel/consultteam-*.whl \
 && rm -rf /tmp/install

# Static files are collected into the image (STATIC_ROOT), never onto the data volume, so an
# upgraded image serves its own CSS and scripts. collectstatic needs settings but no secret of
# the deployment: a throwaway key for the build.
RUN SECRET_KEY=build-only-key-for-collectstatic-never-used-at-runtime-xxxxxxxx \
    consultteam collectstatic --noinput \
 && useradd --system --uid 10001 --home /app consultteam \
 && mkdir -p /data && chown consultteam /data

USER consultteam
EXPOSE 8000
CMD ["gunicorn", "-c", "python:consultteam.gunicorn_conf", "consultteam.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
