# Production image: gunicorn (web), Celery worker and beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=cesi_cert.settings.production

# Fonts and Pango for Chinese PDFs (WeasyPrint), gettext for translations.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 \
      libharfbuzz-subset0 gettext curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY cesi_cert cesi_cert
COPY applications applications
COPY evaluations evaluations
COPY certificates certificates
COPY surveillance surveillance
COPY complaints complaints
COPY billing billing
RUN pip install --no-cache-dir .
COPY . .
RUN DJANGO_SECRET_KEY=build DJANGO_ALLOWED_HOSTS=build python manage.py collectstatic --noinput

# The private-media volume takes its owner from this folder when first created.
RUN useradd --system --home /app cesi && mkdir -p /app/var/private && chown -R cesi /app/var
USER cesi
EXPOSE 8000
CMD ["gunicorn", "cesi_cert.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
