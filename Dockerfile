# Sankangaku image: the same code for web (gunicorn), worker and beat (celery); see
# docker-compose.yml. Configured only by environment variables (README, .env.example).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # settings.BASE_DIR must be /app (templates/, static/, locale/ live there), so the source
    # tree wins over the copy that `pip install .` puts in site-packages.
    PYTHONPATH=/app

RUN groupadd --system app \
    && useradd --system --gid app --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app
COPY . /app

# Runtime dependencies only (no dev extras), pinned with hashes in requirements-runtime.lock
# (`make lock`); the project itself adds nothing unpinned (--no-deps, then pip check).
# Compiled translations (.mo) are committed, so the image needs no gettext.
RUN pip install --require-hashes -r requirements-runtime.lock \
    && pip install --no-deps --no-build-isolation . \
    && pip check \
    && rm -rf build *.egg-info

# Static files at build time, for WhiteNoise's manifest storage (DEBUG=0). The key is a dummy:
# nothing is signed during collectstatic; the real SECRET_KEY comes from the environment.
RUN DEBUG=0 SECRET_KEY=collectstatic-build-only-dummy-key ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media \
    && chown -R app:app /app

USER app

EXPOSE 8000

CMD ["gunicorn", "sankangaku.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
