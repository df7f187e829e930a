FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -e . \
 && SECRET_KEY=build DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost \
    EXCHANGE_BACKEND=demo \
    sh -c "python manage.py compile_translations && python manage.py collectstatic --no-input" \
 && useradd --create-home support && mkdir -p /data/media && chown support /data/media
USER support
EXPOSE 8000 8001
