# Image for docker-compose.yml: the web app, the Celery worker and beat share it.
FROM node:20-bookworm-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 IGPORTAL_ENV=production
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .
COPY . .
COPY --from=frontend /app/node_modules ./node_modules
# collectstatic needs settings to load; these build-time values are never used to serve.
RUN SECRET_KEY=build-only-$(head -c 48 /dev/urandom | base64 | tr -d '\n') ALLOWED_HOSTS=build \
    AUDIT_HMAC_KEY=build-only-$(head -c 48 /dev/urandom | base64 | tr -d '\n') AUDIT_CHECKPOINT_FILE=/dev/null \
    python manage.py collectstatic --noinput
# The audit checkpoint volume takes this directory's owner when Compose first creates it.
RUN useradd --system --uid 10001 igportal && mkdir -p /app/media /var/lib/igportal/audit \
    && chown igportal /app/media /var/lib/igportal/audit
USER igportal
EXPOSE 8000
CMD ["gunicorn", "igportal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
