# Image for docker-compose.yml: the web app, the Celery worker and beat share it.
# Every package comes from a lock checked by hash: npm ci from package-lock.json, pip from the runtime
# part of requirements.lock. The build also writes CycloneDX SBOMs of both into /app/sbom/, and
# `docker build --target sbom --output type=local,dest=sbom-image .` puts them beside the image.
FROM node:20-bookworm-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error \
    && npm sbom --omit dev --sbom-format cyclonedx --sbom-type application > npm.cdx.json

# The Python SBOM is made by cyclonedx-py, installed (with the rest of the dev extra) from the same lock.
FROM python:3.11-slim-bookworm AS python-sbom
WORKDIR /lock
COPY pyproject.toml requirements.lock ./
COPY tools/lock.py tools/
RUN python tools/lock.py check \
    && pip install --no-cache-dir --require-hashes -r requirements.lock \
    && python tools/lock.py runtime > requirements-runtime.txt \
    && cyclonedx-py requirements --pyproject pyproject.toml --of JSON -o python.cdx.json requirements-runtime.txt

FROM scratch AS sbom
COPY --from=python-sbom /lock/python.cdx.json /
COPY --from=frontend /app/npm.cdx.json /

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 IGPORTAL_ENV=production
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml requirements.lock ./
COPY tools/lock.py tools/
RUN python tools/lock.py check \
    && python tools/lock.py runtime > /tmp/requirements-runtime.txt \
    && pip install --no-cache-dir --require-hashes -r /tmp/requirements-runtime.txt \
    && rm /tmp/requirements-runtime.txt
COPY . .
COPY --from=frontend /app/node_modules ./node_modules
COPY --from=sbom / ./sbom/
# collectstatic needs settings to load; these build-time values are never used to serve.
RUN SECRET_KEY=build-only-$(head -c 48 /dev/urandom | base64 | tr -d '\n') ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput
RUN useradd --system --uid 10001 igportal && mkdir -p /app/media && chown igportal /app/media
USER igportal
EXPOSE 8000
CMD ["gunicorn", "igportal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
