FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md LICENSE ./
COPY config config
COPY core core
COPY accounts accounts
COPY geo geo
COPY incidents incidents
COPY csvio csvio
COPY bench bench
COPY templates templates
COPY static static
COPY manage.py ./
RUN pip install . && python manage.py collectstatic --noinput

RUN useradd --create-home tessera && mkdir -p /app/media && chown tessera /app/media
USER tessera

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz/')"
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"]
